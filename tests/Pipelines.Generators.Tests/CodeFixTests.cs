using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;
using Pipelines.Generators.CodeFixes;

namespace Pipelines.Generators.Tests;

/// <summary>
/// Each code fix, before and after, through Microsoft.CodeAnalysis.Testing: the analyzer reports the marked diagnostics,
/// the fix turns the source into the expected one, nothing is reported afterwards, and Fix All in document, project and
/// solution gives the same result whenever a source has several diagnostics.
/// </summary>
public sealed class CodeFixTests
{
    private const string Usings = "using System; using System.Threading.Tasks; using Pipelines;\n";

    private static async Task VerifyAsync<TFix>(string before, string after, string? equivalenceKey = null, params DiagnosticResult[] expected)
        where TFix : CodeFixProvider, new()
    {
        var test = new CSharpCodeFixTest<PipelineAnalyzer, TFix, DefaultVerifier>
        {
            TestCode = Usings + before,
            FixedCode = Usings + after,
            CodeActionEquivalenceKey = equivalenceKey,
            // The Pipelines attributes come from the real assembly, next to the running framework's own, as in GeneratorHarness.
            ReferenceAssemblies = new ReferenceAssemblies("net10.0"),
        };
        test.TestState.AdditionalReferences.AddRange(References.Value);
        test.ExpectedDiagnostics.AddRange(expected);
        await test.RunAsync();
    }

    private static readonly Lazy<MetadataReference[]> References = new(() =>
        ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name is "mscorlib.dll" or "netstandard.dll"))
            .Append(typeof(PipelineAttribute).Assembly.Location)
            .Append(typeof(NodaTime.LocalDate).Assembly.Location)
            .Distinct()
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .ToArray());

    [Fact]
    public void The_analyzer_assembly_does_not_reference_workspaces_so_the_compiler_can_load_it_alone()
    {
        var referenced = typeof(PipelineAnalyzer).Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.DoesNotContain("Microsoft.CodeAnalysis.Workspaces", referenced);
        Assert.DoesNotContain("Microsoft.CodeAnalysis.CSharp.Workspaces", referenced);
        Assert.Contains("Microsoft.CodeAnalysis.Workspaces", typeof(MakePipelinePartialCodeFix).Assembly.GetReferencedAssemblies().Select(a => a.Name));
    }

    [Fact]
    public Task PIPE006_makes_the_pipeline_class_partial() => VerifyAsync<MakePipelinePartialCodeFix>("""
        [Pipeline("etl")]
        public sealed class {|PIPE006:Etl|}
        {
            [PipelineTask] public void Extract() { }
        }
        """, """
        [Pipeline("etl")]
        public sealed partial class Etl
        {
            [PipelineTask] public void Extract() { }
        }
        """);

    [Fact]
    public Task PIPE006_makes_the_containing_types_partial_too() => VerifyAsync<MakePipelinePartialCodeFix>("""
        public static class Jobs
        {
            [Pipeline("etl")]
            public class {|#0:Etl|}
            {
                [PipelineTask] public void Extract() { }
            }
        }
        """, """
        public static partial class Jobs
        {
            [Pipeline("etl")]
            public partial class Etl
            {
                [PipelineTask] public void Extract() { }
            }
        }
        """, null, new DiagnosticResult("PIPE006", DiagnosticSeverity.Error).WithLocation(0), new DiagnosticResult("PIPE006", DiagnosticSeverity.Error).WithLocation(0));

    [Fact]
    public Task PIPE006_for_a_generic_class_offers_no_fix() => VerifyAsync<MakePipelinePartialCodeFix>("""
        [Pipeline("etl")]
        public static partial class {|PIPE006:Etl|}<T>
        {
            [PipelineTask] public static void Extract() { }
        }
        """, """
        [Pipeline("etl")]
        public static partial class {|PIPE006:Etl|}<T>
        {
            [PipelineTask] public static void Extract() { }
        }
        """);

    [Fact]
    public Task PIPE002_replaces_a_misspelt_dependency_with_nameof_the_suggested_task() => VerifyAsync<UseSuggestedTaskIdCodeFix>("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [PipelineTask, DependsOn(nameof(Extract))] public void Transform() { }
            [PipelineTask, DependsOn({|PIPE002:"Transfrom"|})] public void Load() { }
        }
        """, """
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [PipelineTask, DependsOn(nameof(Extract))] public void Transform() { }
            [PipelineTask, DependsOn(nameof(Transform))] public void Load() { }
        }
        """);

    [Fact]
    public Task PIPE002_fix_all_replaces_every_misspelt_dependency_with_its_own_suggestion() => VerifyAsync<UseSuggestedTaskIdCodeFix>("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [PipelineTask, DependsOn({|PIPE002:"Extrcat"|})] public void Transform() { }
            [PipelineTask, DependsOn({|PIPE002:"Transfrom"|}, {|PIPE002:"extract"|})] public void Load() { }
        }
        """, """
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [PipelineTask, DependsOn(nameof(Extract))] public void Transform() { }
            [PipelineTask, DependsOn(nameof(Transform), nameof(Extract))] public void Load() { }
        }
        """);

    [Fact]
    public Task PIPE002_without_a_close_task_offers_no_fix() => VerifyAsync<UseSuggestedTaskIdCodeFix>("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [PipelineTask, DependsOn({|PIPE002:"Publish"|})] public void Load() { }
        }
        """, """
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [PipelineTask, DependsOn({|PIPE002:"Publish"|})] public void Load() { }
        }
        """);

    [Fact]
    public Task PIPE008_replaces_a_misspelt_input_task() => VerifyAsync<UseSuggestedTaskIdCodeFix>("""
        public sealed record Prices(int Count);
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public Prices Extract() => new(1);
            [PipelineTask] public void Load([FromTask({|PIPE008:"Extrac"|})] Prices prices) { }
        }
        """, """
        public sealed record Prices(int Count);
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public Prices Extract() => new(1);
            [PipelineTask] public void Load([FromTask(nameof(Extract))] Prices prices) { }
        }
        """);

    [Fact]
    public Task PIPE016_replaces_a_misspelt_branch_target() => VerifyAsync<UseSuggestedTaskIdCodeFix>("""
        [Pipeline("lunch")]
        public partial class Lunch
        {
            [PipelineTask, Branch(nameof(PostMeetingNotice), {|PIPE016:"PostLunchRemider"|})]
            public string IsCompanyMeeting() => nameof(PostMeetingNotice);
            [PipelineTask, DependsOn(nameof(IsCompanyMeeting))] public void PostMeetingNotice() { }
            [PipelineTask, DependsOn(nameof(IsCompanyMeeting))] public void PostLunchReminder() { }
        }
        """, """
        [Pipeline("lunch")]
        public partial class Lunch
        {
            [PipelineTask, Branch(nameof(PostMeetingNotice), nameof(PostLunchReminder))]
            public string IsCompanyMeeting() => nameof(PostMeetingNotice);
            [PipelineTask, DependsOn(nameof(IsCompanyMeeting))] public void PostMeetingNotice() { }
            [PipelineTask, DependsOn(nameof(IsCompanyMeeting))] public void PostLunchReminder() { }
        }
        """);

    [Fact]
    public Task PIPE026_replaces_a_misspelt_pool_with_the_declared_one() => VerifyAsync<UseDeclaredPoolCodeFix>("""
        [assembly: Pool("vendor_api", Slots = 4)]
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask(Pool = {|PIPE026:"vendor_apl"|})] public void Extract() { }
        }
        """, """
        [assembly: Pool("vendor_api", Slots = 4)]
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask(Pool = "vendor_api")] public void Extract() { }
        }
        """);

    [Fact]
    public Task PIPE032_replaces_a_callback_s_misspelt_task_with_nameof_the_suggestion() => VerifyAsync<UseSuggestedTaskIdCodeFix>("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [OnFailure({|PIPE032:"Extarct"|})] public void Page(PipelineEvent failed) { }
        }
        """, """
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [OnFailure(nameof(Extract))] public void Page(PipelineEvent failed) { }
        }
        """);

    [Fact]
    public Task PIPE012_replaces_a_windows_time_zone_with_its_iana_id() => VerifyAsync<UseIanaTimeZoneCodeFix>("""
        [Pipeline("etl", TimeZone = {|PIPE012:"Eastern Standard Time"|})]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
        }
        """, """
        [Pipeline("etl", TimeZone = "America/New_York")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
        }
        """);

    [Fact]
    public Task PIPE012_replaces_a_misspelt_time_zone_with_the_closest_iana_id() => VerifyAsync<UseIanaTimeZoneCodeFix>("""
        [Pipeline("etl", TimeZone = {|PIPE012:"America/New_Yrok"|})]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
        }
        """, """
        [Pipeline("etl", TimeZone = "America/New_York")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
        }
        """);

    [Fact]
    public Task PIPE003_removes_the_self_dependency_and_the_attribute_it_was_alone_in() => VerifyAsync<RemoveSelfDependencyCodeFix>("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask, DependsOn({|PIPE003:nameof(Extract)|})] public void Extract() { }
            [PipelineTask]
            [DependsOn({|PIPE003:nameof(Load)|})]
            public void Load() { }
            /// <summary>Kept.</summary>
            [DependsOn({|PIPE003:nameof(Publish)|})]
            [PipelineTask] public void Publish() { }
        }
        """, """
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [PipelineTask]
            public void Load() { }
            /// <summary>Kept.</summary>
            [PipelineTask] public void Publish() { }
        }
        """);

    [Fact]
    public Task PIPE003_removes_only_the_self_dependency_among_others_and_keeps_the_indentation_of_a_first_attribute_list() => VerifyAsync<RemoveSelfDependencyCodeFix>("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [PipelineTask, DependsOn(nameof(Extract), {|PIPE003:nameof(Load)|})] public void Load() { }
            [DependsOn({|PIPE003:nameof(Publish)|})] [PipelineTask] public void Publish() { }
        }
        """, """
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [PipelineTask, DependsOn(nameof(Extract))] public void Load() { }
            [PipelineTask] public void Publish() { }
        }
        """);

    [Fact]
    public Task PIPE022_adds_the_missing_pipeline_task_attribute() => VerifyAsync<AddPipelineTaskCodeFix>("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [{|PIPE022:DependsOn(nameof(Extract))|}] public void Load() { }
        }
        """, """
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [PipelineTask, DependsOn(nameof(Extract))] public void Load() { }
        }
        """);

    [Theory]
    [InlineData("XNYS")]
    [InlineData("XTKS")]
    public Task PIPE025_adds_the_chosen_calendar(string calendar) => VerifyAsync<AddCalendarCodeFix>("""
        [Pipeline("close_load", Schedule = {|PIPE025:"@session_close+00:30"|}, TimeZone = "America/New_York")]
        public partial class CloseLoad
        {
            [PipelineTask] public void Extract() { }
        }
        """, $$"""
        [Pipeline("close_load", Schedule = "@session_close+00:30", TimeZone = "America/New_York", Calendar = "{{calendar}}")]
        public partial class CloseLoad
        {
            [PipelineTask] public void Extract() { }
        }
        """, AddCalendarCodeFix.EquivalenceKeyPrefix + calendar);

    [Fact]
    public Task PIPE009_changes_the_parameter_to_the_upstream_output_type() => VerifyAsync<UseUpstreamOutputTypeCodeFix>("""
        namespace Market
        {
            public sealed record Prices(int Count);
            public sealed record Fundamentals(int Count);
        }
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public Task<Market.Prices> Extract() => Task.FromResult(new Market.Prices(1));
            [PipelineTask] public void Load([FromTask({|PIPE009:nameof(Extract)|})] Market.Fundamentals data) { }
        }
        """, """
        namespace Market
        {
            public sealed record Prices(int Count);
            public sealed record Fundamentals(int Count);
        }
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public Task<Market.Prices> Extract() => Task.FromResult(new Market.Prices(1));
            [PipelineTask] public void Load([FromTask(nameof(Extract))] Market.Prices data) { }
        }
        """);

    [Theory]
    [InlineData("minute", "00:05:00")]
    [InlineData("second", "00:00:05")]
    [InlineData("hour", "05:00:00")]
    [InlineData("day", "5.00:00:00")]
    public Task PIPE014_gives_a_bare_number_the_chosen_unit(string unit, string duration) => VerifyAsync<UseDurationUnitCodeFix>("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask(RetryDelay = {|PIPE014:"5"|})] public void Extract() { }
        }
        """, $$"""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask(RetryDelay = "{{duration}}")] public void Extract() { }
        }
        """, UseDurationUnitCodeFix.EquivalenceKeyPrefix + unit);

    [Fact]
    public Task PIPE014_fix_all_gives_every_bare_number_the_same_unit() => VerifyAsync<UseDurationUnitCodeFix>("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask(RetryDelay = {|PIPE014:"5"|}, Timeout = {|PIPE014:"90"|})] public void Extract() { }
            [PipelineTask, Sensor(PokeInterval = {|PIPE014:"1"|})] public bool Arrived() => true;
        }
        """, """
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask(RetryDelay = "00:05:00", Timeout = "01:30:00")] public void Extract() { }
            [PipelineTask, Sensor(PokeInterval = "00:01:00")] public bool Arrived() => true;
        }
        """, UseDurationUnitCodeFix.EquivalenceKeyPrefix + "minute");

    [Fact]
    public Task PIPE014_offers_no_fix_for_a_duration_that_is_not_a_bare_number() => VerifyAsync<UseDurationUnitCodeFix>("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask(RetryDelay = {|PIPE014:"5 minutes"|})] public void Extract() { }
        }
        """, """
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask(RetryDelay = {|PIPE014:"5 minutes"|})] public void Extract() { }
        }
        """);

    [Fact]
    public Task PIPE035_turns_a_string_task_id_into_nameof() => VerifyAsync<UseNameOfCodeFix>("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [PipelineTask, DependsOn({|PIPE035:"Extract"|})] public void Load() { }
        }
        """, """
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [PipelineTask, DependsOn(nameof(Extract))] public void Load() { }
        }
        """);

    [Fact]
    public Task PIPE035_fix_all_turns_every_string_task_id_into_nameof() => VerifyAsync<UseNameOfCodeFix>("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public int @checked() => 1;
            [PipelineTask, Branch({|PIPE035:"Load"|}, {|PIPE035:"Skip"|}), DependsOn({|PIPE035:"checked"|})] public string Choose() => "Load";
            [PipelineTask, DependsOn(nameof(Choose))] public void Load([FromTask({|PIPE035:"checked"|})] int value) { }
            [PipelineTask, DependsOn(nameof(Choose))] public void Skip() { }
            [OnFailure({|PIPE035:"Load"|})] public void Failed(PipelineEvent e) { }
        }
        """, """
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public int @checked() => 1;
            [PipelineTask, Branch(nameof(Load), nameof(Skip)), DependsOn(nameof(@checked))] public string Choose() => "Load";
            [PipelineTask, DependsOn(nameof(Choose))] public void Load([FromTask(nameof(@checked))] int value) { }
            [PipelineTask, DependsOn(nameof(Choose))] public void Skip() { }
            [OnFailure(nameof(Load))] public void Failed(PipelineEvent e) { }
        }
        """);
}
