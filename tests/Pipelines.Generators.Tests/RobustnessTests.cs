using Microsoft.CodeAnalysis;
using Pipelines.Generators.Tests.Infrastructure;

namespace Pipelines.Generators.Tests;

/// <summary>Whatever half-typed code the IDE hands over, the generator and analyzer never throw and never cascade.</summary>
public sealed class RobustnessTests
{
    public static TheoryData<string, string> HalfTypedCode => new()
    {
        { "missing closing braces", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public void Extract() {" },
        { "attribute with no arguments", "[Pipeline] public partial class Etl { [PipelineTask] public void Extract() { } }" },
        { "non-constant id", "[Pipeline(Ids.Name)] public partial class Etl { [PipelineTask] public void Extract() { } } public static class Ids { public static string Name = \"x\"; }" },
        { "non-constant schedule", "[Pipeline(\"etl\", Schedule = Cron)] public partial class Etl { static string Cron = \"\"; [PipelineTask] public void Extract() { } }" },
        { "null id", "[Pipeline(null!)] public partial class Etl { [PipelineTask] public void Extract() { } }" },
        { "unresolved return type", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public Prices Extract() => null!; [PipelineTask] public void Load([FromTask(nameof(Extract))] Prices p) { } }" },
        { "unresolved parameter type", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public void Extract(Vendor v) { } }" },
        { "unresolved constructor parameter", "[Pipeline(\"etl\")] public partial class Etl(IVendor vendor) { [PipelineTask] public void Extract() { } }" },
        { "DependsOn with null", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask, DependsOn(null)] public void Extract() { } }" },
        { "DependsOn with a null element", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask, DependsOn(\"A\", null)] public void Extract() { } }" },
        { "FromTask with no argument", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public void Extract([FromTask] int x) { } }" },
        { "Branch with null targets", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask, Branch(null)] public string Extract() => \"\"; }" },
        { "Pipeline attribute on a method", "public partial class Etl { [Pipeline(\"etl\")] public void Extract() { } }" },
        { "PipelineTask on a class", "[PipelineTask] public partial class Etl { }" },
        { "PipelineTask on a property", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public int Extract => 1; [PipelineTask] public void Load() { } }" },
        { "Pipeline on a struct", "[Pipeline(\"etl\")] public partial struct Etl { [PipelineTask] public void Extract() { } }" },
        { "Pipeline on an interface", "[Pipeline(\"etl\")] public partial interface IEtl { [PipelineTask] void Extract(); }" },
        { "generic pipeline class", "[Pipeline(\"etl\")] public partial class Etl<T> { [PipelineTask] public void Extract() { } }" },
        { "task is a local function", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public void Extract() { [PipelineTask] void Inner() { } Inner(); } }" },
        { "duplicate attributes", "[Pipeline(\"etl\")][Pipeline(\"etl2\")] public partial class Etl { [PipelineTask][PipelineTask] public void Extract() { } }" },
        { "wrong argument types", "[Pipeline(42, Schedule = 5, MaxActiveRuns = \"x\")] public partial class Etl { [PipelineTask(Retries = \"two\")] public void Extract() { } }" },
        { "trigger rule out of range", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask(Trigger = (TriggerRule)99)] public void Extract() { } }" },
        { "half-typed attribute", "[Pipeline(\"etl\", Schedule = ] public partial class Etl { [PipelineTask(] public void Extract() { } }" },
        { "empty file body", "[Pipeline(\"etl\")]" },
        { "file-scoped namespace and partial in two files", "namespace A; [Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public void Extract() { } } public partial class Etl { [PipelineTask] public void Load() { } }" },
        { "abstract task", "[Pipeline(\"etl\")] public abstract partial class Etl { [PipelineTask] public abstract void Extract(); }" },
        { "extern task", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public static extern void Extract(); }" },
        { "pointer parameter", "[Pipeline(\"etl\")] public unsafe partial class Etl { [PipelineTask] public void Extract(int* p) { } }" },
        { "pool half-typed", "[assembly: Pool(] [Pipeline(\"etl\")] public partial class Etl { [PipelineTask(Pool = )] public void Extract() { } }" },
        { "pool with null name and wrong slots", "[assembly: Pool(null!, Slots = \"x\")] [assembly: Pool(\"p\", Slots = -1)] [Pipeline(\"etl\")] public partial class Etl { [PipelineTask(Pool = \"p\", PoolSlots = -3)] public void Extract() { } }" },
        { "non-constant pool and deadline", "[Pipeline(\"etl\", Deadline = D)] public partial class Etl { static string D = \"\"; [PipelineTask(Pool = D, Deadline = D)] public void Extract() { } }" },
        { "weight rule out of range", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask(WeightRule = (PriorityWeightRule)99)] public void Extract() { } }" },
        { "callback with null tasks", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public void Extract() { } [OnFailure(null)] public void A() { } [OnRetry(\"Extract\", null)] public void B() { } }" },
        { "callback with unresolved types", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public void Extract() { } [OnFailure] public Pager A(IPager p) => null!; }" },
        { "callback half-typed", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public void Extract() { } [OnSuccess(] public void A(PipelineEvent e }" },
        { "callback on a property and a local function", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public void Extract() { [OnFailure] void Inner() { } Inner(); } [OnFailure] public int P => 1; }" },
        { "instance callback on an abstract class", "[Pipeline(\"etl\")] public abstract partial class Etl { [PipelineTask] public static void Extract() { } [OnFailure] public void A() { } }" },
        { "callback on an abstract class", "[Pipeline(\"etl\")] public abstract partial class Etl { [PipelineTask] public static void Extract() { } [OnFailure] public abstract void A(); }" },
        { "recursive generic constraint", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public T Extract<T>() where T : Etl => default!; }" },
    };

    [Theory]
    [MemberData(nameof(HalfTypedCode))]
    public async Task Half_typed_code_gives_at_most_our_diagnostics_and_compiler_errors(string description, string code)
    {
        var build = await GeneratorHarness.BuildAsync("using System; using System.Threading.Tasks; using Pipelines;\n" + code);

        Assert.All(build.Run.Results, r => Assert.Null(r.Exception));
        Assert.DoesNotContain(build.GeneratorDiagnostics, d => d.Id is "CS8784" or "CS8785");
        Assert.DoesNotContain(build.Diagnostics, d => d.Id == "AD0001");

        // Nothing is reported inside generated code: a broken pipeline gets no half-generated code to cascade from.
        var generatedTrees = build.Output.SyntaxTrees.Except(build.Input.SyntaxTrees).ToHashSet();
        var inGenerated = build.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && generatedTrees.Contains(d.Location.SourceTree!)).ToList();
        Assert.True(inGenerated.Count == 0, $"{description}: errors in generated code: {string.Join("; ", inGenerated)}");
    }

    [Fact]
    public async Task A_typo_in_a_dependency_gives_exactly_one_error_and_no_cascade_from_users_of_the_definition()
    {
        var build = await GeneratorHarness.BuildAsync("""
            using Pipelines;
            [Pipeline("etl")]
            public partial class Etl
            {
                [PipelineTask] public void Extract() { }
                [PipelineTask, DependsOn("Extrct")] public void Load() { }
            }
            """);
        var errors = build.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.Equal("PIPE002", Assert.Single(errors).Id);
    }
}
