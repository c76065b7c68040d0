using Microsoft.CodeAnalysis;
using Pipelines.Generators.Tests.Infrastructure;

namespace Pipelines.Generators.Tests;

/// <summary>One test per diagnostic id: the id, the exact span (marked [| |]) and the whole message.</summary>
public sealed class DiagnosticTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks; using Pipelines;\n";

    internal static async Task<Diagnostic> AssertSingle(string markup, string id, string message)
    {
        var (source, span) = Markup.Parse(Usings + markup);
        var build = await GeneratorHarness.BuildAsync(source);
        var diagnostic = Assert.Single(build.Ours);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(span, diagnostic.Location.SourceSpan);
        Assert.Equal($"https://github.com/pipelines-dotnet/pipelines/blob/main/docs/diagnostics/{id}.md", diagnostic.Descriptor.HelpLinkUri);
        if (diagnostic.Severity == DiagnosticSeverity.Error)
        {
            // A pipeline with an error gets no generated code, so nothing can cascade from it.
            Assert.DoesNotContain(build.Generated, g => g.HintName.EndsWith(".Pipeline.g.cs", StringComparison.Ordinal));
        }
        // Our diagnostic only: the compiler reports nothing else.
        Assert.DoesNotContain(build.Output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
        return diagnostic;
    }

    [Fact]
    public Task PIPE001_cycle_names_the_whole_path_on_the_dependency_that_closes_it() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask, DependsOn([|nameof(Load)|])] public void Extract() { }
            [PipelineTask, DependsOn(nameof(Extract))] public void Transform() { }
            [PipelineTask, DependsOn(nameof(Transform))] public void Load() { }
        }
        """, "PIPE001", "Pipeline 'etl' has a dependency cycle: Extract → Transform → Load → Extract. Remove one of these dependencies so the tasks can run in order.");

    [Fact]
    public async Task PIPE001_every_independent_cycle_is_reported()
    {
        var build = await GeneratorHarness.BuildAsync(Usings + """
            [Pipeline("two_cycles")]
            public partial class TwoCycles
            {
                [PipelineTask, DependsOn(nameof(B))] public void A() { }
                [PipelineTask, DependsOn(nameof(A))] public void B() { }
                [PipelineTask, DependsOn(nameof(D))] public void C() { }
                [PipelineTask, DependsOn(nameof(C))] public void D() { }
            }
            """);
        var messages = build.Ours.Select(d => d.GetMessage()).ToList();
        Assert.Equal(2, messages.Count);
        Assert.Contains(messages, m => m.Contains("A → B → A", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("C → D → C", StringComparison.Ordinal));
    }

    [Fact]
    public Task PIPE002_unknown_dependency_suggests_the_closest_task() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [PipelineTask, DependsOn(nameof(Extract))] public void Transform() { }
            [PipelineTask, DependsOn([|"Transfrom"|])] public void Load() { }
        }
        """, "PIPE002", "Task 'Load' depends on 'Transfrom', which is not a task of pipeline 'etl'. Did you mean 'Transform'? Name a [PipelineTask] method of this class, preferably with nameof.");

    [Fact]
    public Task PIPE003_self_dependency() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask, DependsOn([|nameof(Extract)|])] public void Extract() { }
        }
        """, "PIPE003", "Task 'Extract' depends on itself. Remove 'Extract' from its own dependencies.");

    [Fact]
    public Task PIPE004_duplicate_task_id_from_overloads() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [PipelineTask] public void [|Extract|](RunContext run) { }
        }
        """, "PIPE004", "Pipeline 'etl' already has a task 'Extract'. Task ids are method names, so overloads cannot both be tasks; rename one of the methods.");

    [Fact]
    public async Task PIPE005_duplicate_pipeline_id_is_reported_on_both_ids()
    {
        var build = await GeneratorHarness.BuildAsync(Usings + """
            [Pipeline("nightly")] public partial class First { [PipelineTask] public void A() { } }
            [Pipeline("nightly")] public partial class Second { [PipelineTask] public void A() { } }
            """);
        Assert.Equal(2, build.Ours.Length);
        Assert.All(build.Ours, d => Assert.Equal("PIPE005", d.Id));
        Assert.Equal("Pipeline id 'nightly' is also used by 'Second'. Give every pipeline in the assembly its own id.", build.Ours[0].GetMessage());
        Assert.Equal("Pipeline id 'nightly' is also used by 'First'. Give every pipeline in the assembly its own id.", build.Ours[1].GetMessage());
        var text = build.Input.SyntaxTrees.Single().ToString();
        Assert.Equal("\"nightly\"", text.Substring(build.Ours[0].Location.SourceSpan.Start, build.Ours[0].Location.SourceSpan.Length));
        // Neither claimant enters the registry.
        Assert.Null(build.SourceFor("GeneratedPipelines.g.cs"));
    }

    [Fact]
    public Task PIPE006_pipeline_class_not_partial() => AssertSingle("""
        [Pipeline("etl")]
        public class [|Etl|]
        {
            [PipelineTask] public void Extract() { }
        }
        """, "PIPE006", "Pipeline class 'Etl' is not partial. Add the partial modifier, as in 'public sealed partial class Etl', so the generator can add its definition.");

    [Fact]
    public Task PIPE006_private_nested_pipeline_is_unreachable_for_the_registry() => AssertSingle("""
        public partial class Jobs
        {
            [Pipeline("etl")]
            private partial class [|Etl|]
            {
                [PipelineTask] public void Extract() { }
            }
        }
        """, "PIPE006", "Pipeline class 'Etl' is private, so the generated pipeline registry cannot reach it. Make it internal or public.");

    [Fact]
    public Task PIPE007_async_void_task() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public async void [|Extract|]() { await Task.Yield(); }
        }
        """, "PIPE007", "Task method 'Extract' is async void, so the pipeline cannot await it or see its failure. Return Task instead of void.");

    [Fact]
    public Task PIPE007_generic_task() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void [|Extract|]<T>() { }
        }
        """, "PIPE007", "Task method 'Extract' is generic. Remove the type parameters; the pipeline cannot choose type arguments.");

    [Fact]
    public Task PIPE007_out_parameter() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract(out int [|rows|]) { rows = 1; }
        }
        """, "PIPE007", "Task method 'Extract' takes 'rows' by out. Pass task inputs by value; return results instead of writing to parameters.");

    [Fact]
    public Task PIPE008_typed_input_from_unknown_task() => AssertSingle("""
        public sealed record Prices(int Count);
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public Prices Extract() => new(1);
            [PipelineTask] public void Load([FromTask([|"Extrac"|])] Prices prices) { }
        }
        """, "PIPE008", "Parameter 'prices' of task 'Load' takes the output of 'Extrac', which is not a task of pipeline 'etl'. Did you mean 'Extract'? Name a [PipelineTask] method of this class, preferably with nameof.");

    [Fact]
    public Task PIPE009_input_type_mismatch_after_unwrapping_task() => AssertSingle("""
        public sealed record Prices(int Count);
        public sealed record Fundamentals(int Count);
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public Task<Prices> Extract() => Task.FromResult(new Prices(1));
            [PipelineTask] public void Load([FromTask([|nameof(Extract)|])] Fundamentals data) { }
        }
        """, "PIPE009", "Parameter 'data' of task 'Load' has type 'Fundamentals', but task 'Extract' returns 'Prices'. Change the parameter to 'Prices' or a type it converts to implicitly.");

    [Fact]
    public Task PIPE010_input_from_task_that_returns_nothing() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public Task Extract() => Task.CompletedTask;
            [PipelineTask] public void Load([FromTask([|nameof(Extract)|])] string data) { }
        }
        """, "PIPE010", "Parameter 'data' of task 'Load' takes the output of 'Extract', but 'Extract' returns no value. Return a value from 'Extract', or use [DependsOn(nameof(Extract))] and drop the parameter.");

    [Fact]
    public Task PIPE011_invalid_cron_gives_the_parser_reason() => AssertSingle("""
        [Pipeline("etl", Schedule = [|"0 25 * * *"|])]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
        }
        """, "PIPE011", "Schedule '0 25 * * *' of pipeline 'etl' is invalid: " + CronReason("0 25 * * *") + ". Use a cron expression such as \"0 4 * * 1-5\" or a preset (@hourly, @daily, @weekly, @monthly, @yearly, @once).");

    [Fact]
    public Task PIPE011_wrong_field_count() => AssertSingle("""
        [Pipeline("etl", Schedule = [|"0 4 * *"|])]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
        }
        """, "PIPE011", "Schedule '0 4 * *' of pipeline 'etl' is invalid: a cron expression has 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first, but this one has 4. Use a cron expression such as \"0 4 * * 1-5\" or a preset (@hourly, @daily, @weekly, @monthly, @yearly, @once).");

    [Fact]
    public Task PIPE011_malformed_session_offset_says_how_to_write_it() => AssertSingle("""
        [Pipeline("close_load", Schedule = [|"@session_close+0:30"|], TimeZone = "America/New_York", Calendar = "XNYS")]
        public partial class CloseLoad
        {
            [PipelineTask] public void Extract() { }
        }
        """, "PIPE011", "Schedule '@session_close+0:30' of pipeline 'close_load' is invalid: '+0:30' after @session_close is not an offset; write it as +hh:mm or -hh:mm, for example @session_close+00:30. Use a cron expression such as \"0 4 * * 1-5\" or a preset (@hourly, @daily, @weekly, @monthly, @yearly, @once).");

    [Fact]
    public Task PIPE011_after_session_needs_a_time_of_day() => AssertSingle("""
        [Pipeline("nightly", Schedule = [|"@after_session 24:00"|], Calendar = "XNYS")]
        public partial class Nightly
        {
            [PipelineTask] public void Extract() { }
        }
        """, "PIPE011", "Schedule '@after_session 24:00' of pipeline 'nightly' is invalid: '24:00' after @after_session is not a time of day; write it as hh:mm from 00:00 to 23:59, for example @after_session 04:00. Use a cron expression such as \"0 4 * * 1-5\" or a preset (@hourly, @daily, @weekly, @monthly, @yearly, @once).");

    [Fact]
    public Task PIPE012_unknown_time_zone_suggests_a_close_id() => AssertSingle("""
        [Pipeline("etl", Schedule = "0 4 * * *", TimeZone = [|"America/New_Yrok"|])]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
        }
        """, "PIPE012", "Time zone 'America/New_Yrok' of pipeline 'etl' is not an IANA time zone id. Did you mean 'America/New_York'? Use an id from the tz database, such as \"America/New_York\" or \"Europe/London\".");

    [Fact]
    public Task PIPE012_windows_time_zone_id_names_the_iana_id() => AssertSingle("""
        [Pipeline("etl", TimeZone = [|"Eastern Standard Time"|])]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
        }
        """, "PIPE012", "Time zone 'Eastern Standard Time' of pipeline 'etl' is not an IANA time zone id. 'Eastern Standard Time' is a Windows id; the IANA id is 'America/New_York'. Use an id from the tz database, such as \"America/New_York\" or \"Europe/London\".");

    [Fact]
    public Task PIPE013_unknown_calendar() => AssertSingle("""
        [Pipeline("etl", Calendar = [|"XNSY"|])]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
        }
        """, "PIPE013", "Calendar 'XNSY' of pipeline 'etl' is not known. Did you mean 'XNYS'? Use one of XNYS, CMES, SIFMA_US, XTKS, XLON, XETR, XPAR, XAMS, XSWX, XHKG, XASX, XTSE, IEPA, or declare your own with [assembly: PipelineCalendar(\"XNSY\")].");

    [Fact]
    public Task PIPE013_an_unknown_id_inside_an_expression_is_marked_alone_with_the_closest_id() => AssertSingle("""
        [Pipeline("etl", Calendar = "(XNYS | [|XLNO|]) & CMES")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
        }
        """, "PIPE013", "Calendar 'XLNO' of pipeline 'etl' is not known. Did you mean 'XLON'? Use one of XNYS, CMES, SIFMA_US, XTKS, XLON, XETR, XPAR, XAMS, XSWX, XHKG, XASX, XTSE, IEPA, or declare your own with [assembly: PipelineCalendar(\"XLNO\")].");

    [Fact]
    public Task PIPE013_a_malformed_expression_gives_the_parsers_reason() => AssertSingle("""
        [Pipeline("etl", Calendar = [|"XNYS &"|])]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
        }
        """, "PIPE013", "Calendar 'XNYS &' of pipeline 'etl' is invalid: expected a calendar id but the expression ends after 'XNYS &'. Write a calendar id such as \"XNYS\", or combine ids with '&' (sessions of both), '|' (sessions of either) and parentheses, as in \"XNYS & CMES\".");

    [Fact]
    public Task PIPE013_an_id_in_an_escaped_literal_marks_the_whole_value() => AssertSingle("""
        [Pipeline("etl", Calendar = [|"XNYS\u0020& XNSY"|])]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
        }
        """, "PIPE013", "Calendar 'XNSY' of pipeline 'etl' is not known. Did you mean 'XNYS'? Use one of XNYS, CMES, SIFMA_US, XTKS, XLON, XETR, XPAR, XAMS, XSWX, XHKG, XASX, XTSE, IEPA, or declare your own with [assembly: PipelineCalendar(\"XNSY\")].");

    [Fact]
    public async Task PIPE013_every_unknown_id_of_an_expression_is_reported()
    {
        var build = await GeneratorHarness.BuildAsync(Usings + """
            [Pipeline("etl", Calendar = "XNSY | CMSE & XNYS")]
            public partial class Etl { [PipelineTask] public void Extract() { } }
            """);
        Assert.Equal(new[] { "XNSY", "CMSE" }, build.Ours.Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Split('\'')[1]));
    }

    [Theory]
    [InlineData("XNYS & CMES")]
    [InlineData("(XTKS | XNYS) & CMES")]
    [InlineData("XNYS&SIFMA_US")]
    [InlineData("XLON | XNYS")]
    public async Task PIPE013_an_expression_of_known_calendars_is_accepted(string calendar)
    {
        var build = await GeneratorHarness.BuildAsync(Usings + $$"""
            [Pipeline("etl", Schedule = "@session_close+00:30", Calendar = "{{calendar}}")]
            public partial class Etl { [PipelineTask] public void Extract() { } }
            """);
        Assert.Empty(build.Ours);
        Assert.NotNull(build.SourceFor("Etl.Pipeline.g.cs"));
    }

    [Fact]
    public async Task PIPE013_a_declared_calendar_is_accepted()
    {
        var build = await GeneratorHarness.BuildAsync(Usings + """
            [assembly: PipelineCalendar("ACME_HOLIDAYS")]
            [Pipeline("etl", Calendar = "ACME_HOLIDAYS")]
            public partial class Etl { [PipelineTask] public void Extract() { } }
            """);
        Assert.Empty(build.Ours);
        Assert.NotNull(build.SourceFor("Etl.Pipeline.g.cs"));
    }

    [Fact]
    public Task PIPE014_invalid_duration() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask(Retries = 2, RetryDelay = [|"5 minutes"|])] public void Extract() { }
        }
        """, "PIPE014", "RetryDelay '5 minutes' of task 'Extract' is not a duration in TimeSpan's invariant format. Write it as [d.]hh:mm:ss, for example \"00:05:00\" for five minutes or \"1.00:00:00\" for a day.");

    [Fact]
    public Task PIPE014_a_bare_number_is_not_read_as_days() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask(Timeout = [|"5"|])] public void Extract() { }
        }
        """, "PIPE014", "Timeout '5' of task 'Extract' is not a duration in TimeSpan's invariant format. Write it as [d.]hh:mm:ss, for example \"00:05:00\" for five minutes or \"1.00:00:00\" for a day.");

    [Fact]
    public Task PIPE015_negative_retries() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask(Retries = [|-1|])] public void Extract() { }
        }
        """, "PIPE015", "Retries of task 'Extract' is -1, but it must be 0 or more.");

    [Fact]
    public Task PIPE015_zero_timeout() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask(Timeout = [|"00:00:00"|])] public void Extract() { }
        }
        """, "PIPE015", "Timeout of task 'Extract' is 00:00:00, but it must be more than zero; leave it unset for no time limit.");

    [Fact]
    public Task PIPE015_zero_poke_interval() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask, Sensor(PokeInterval = [|"00:00:00"|])] public bool VendorFileArrived() => true;
        }
        """, "PIPE015", "PokeInterval of sensor 'VendorFileArrived' is 00:00:00, but it must be more than zero.");

    [Fact]
    public Task PIPE015_max_active_runs_below_one() => AssertSingle("""
        [Pipeline("etl", MaxActiveRuns = [|0|])]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
        }
        """, "PIPE015", "MaxActiveRuns of pipeline 'etl' is 0, but it must be at least 1, since no run could ever start.");

    [Fact]
    public Task PIPE016_branch_target_that_is_not_downstream() => AssertSingle("""
        [Pipeline("lunch")]
        public partial class Lunch
        {
            [PipelineTask, Branch(nameof(PostMeetingNotice), [|nameof(PostLunchReminder)|])]
            public string IsCompanyMeeting() => nameof(PostMeetingNotice);
            [PipelineTask, DependsOn(nameof(IsCompanyMeeting))] public void PostMeetingNotice() { }
            [PipelineTask] public void PostLunchReminder() { }
        }
        """, "PIPE016", "Branch 'IsCompanyMeeting' names 'PostLunchReminder' as a target, but 'PostLunchReminder' does not depend on 'IsCompanyMeeting'. Add [DependsOn(nameof(IsCompanyMeeting))] to 'PostLunchReminder', or remove it from the branch's targets.");

    [Fact]
    public Task PIPE017_empty_pipeline() => AssertSingle("""
        [Pipeline("etl")]
        public partial class [|Etl|]
        {
            public void Extract() { }
        }
        """, "PIPE017", "Pipeline 'etl' has no tasks. Mark at least one method of 'Etl' with [PipelineTask].");

    [Fact]
    public Task PIPE018_invalid_start_date() => AssertSingle("""
        [Pipeline("etl", StartDate = [|"2024-02-30"|])]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
        }
        """, "PIPE018", "Start date '2024-02-30' of pipeline 'etl' is not a date in yyyy-MM-dd form. Write it like \"2024-01-31\".");

    [Fact]
    public Task PIPE019_condition_must_return_bool() => AssertSingle("""
        [Pipeline("lunch")]
        public partial class Lunch
        {
            [PipelineTask, Condition] public Task<int> [|IsMarketDay|]() => Task.FromResult(1);
        }
        """, "PIPE019", "Condition 'IsMarketDay' returns 'Task<int>', but a condition returns bool (or Task<bool>/ValueTask<bool>): false skips everything downstream.");

    [Fact]
    public Task PIPE020_parameter_without_source() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract(string [|vendor|]) { }
        }
        """, "PIPE020", "Parameter 'vendor' of task 'Extract' cannot be supplied by the pipeline. A task parameter must be a RunContext, a CancellationToken, or an upstream output marked [FromTask(nameof(...))]; take services through the pipeline class's constructor.");

    [Fact]
    public Task PIPE021_task_outside_a_pipeline_class() => AssertSingle("""
        public partial class Etl
        {
            [[|PipelineTask|]] public void Extract() { }
        }
        """, "PIPE021", "Method 'Extract' has [PipelineTask], but class 'Etl' has no [Pipeline] attribute, so the method is not part of any pipeline. Add [Pipeline(\"id\")] to the class or remove the attribute.");

    [Fact]
    public Task PIPE022_setting_on_a_method_that_is_not_a_task() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [[|DependsOn(nameof(Extract))|]] public void Load() { }
        }
        """, "PIPE022", "Method 'Load' has [DependsOn] but no [PipelineTask], so it is not a task and the setting is ignored. Add [PipelineTask] to the method or remove [DependsOn].");

    [Fact]
    public async Task PIPE022_a_setting_on_a_field_like_event_is_reported_on_both_accessors_though_they_are_implicit()
    {
        var (source, span) = Markup.Parse(Usings + """
            [Pipeline("etl")]
            public partial class Etl
            {
                [PipelineTask] public void Extract() { }
                [method: [|DependsOn(nameof(Extract))|]] public event System.Action? Changed;
            }
            """);
        var build = await GeneratorHarness.BuildAsync(source);
        Assert.Equal(new[] { "add_Changed", "remove_Changed" }.Select(accessor => $"PIPE022 {span} Method '{accessor}' has [DependsOn] but no [PipelineTask], so it is not a task and the setting is ignored. Add [PipelineTask] to the method or remove [DependsOn]."),
            build.Ours.Select(d => $"{d.Id} {d.Location.SourceSpan} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public Task PIPE023_invalid_pipeline_id() => AssertSingle("""
        [Pipeline([|"nightly load"|])]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
        }
        """, "PIPE023", "Pipeline id 'nightly load' is invalid: it contains characters other than letters, digits, '_', '-' and '.'. Use letters, digits, '_', '-' and '.', starting with a letter or digit, such as \"nightly_dataload\".");

    [Fact]
    public Task PIPE024_invalid_queue_name() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask(Queue = [|"RiskModels"|])] public void Extract() { }
        }
        """, "PIPE024", "Queue 'RiskModels' of task 'Extract' is not a valid Hangfire queue name. Use only lowercase letters, digits, '_' and '-', such as \"risk_models\".");

    [Fact]
    public Task PIPE025_session_schedule_without_a_calendar() => AssertSingle("""
        [Pipeline("close_load", Schedule = [|"@session_close+00:30"|], TimeZone = "America/New_York")]
        public partial class CloseLoad
        {
            [PipelineTask] public void Extract() { }
        }
        """, "PIPE025", "Schedule '@session_close+00:30' of pipeline 'close_load' is relative to exchange sessions, but the pipeline has no Calendar to take the sessions from. Add a Calendar such as Calendar = \"XNYS\", or use a cron expression such as \"30 16 * * 1-5\".");

    [Fact]
    public Task PIPE026_unknown_pool_suggests_the_closest_declared_pool() => AssertSingle("""
        [assembly: Pool("vendor_api", Slots = 4)]
        [assembly: Pool("risk_grid", Slots = 2)]
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask(Pool = [|"vendor_apl"|])] public void Extract() { }
        }
        """, "PIPE026", "Pool 'vendor_apl' of task 'Extract' is not declared by this assembly or the assemblies it references. Did you mean 'vendor_api'? Declare it with [assembly: Pool(\"vendor_apl\", Slots = 4)], or name one of the declared pools (risk_grid, vendor_api).");

    [Fact]
    public Task PIPE026_a_pool_with_no_declarations_says_none_are_declared() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask(Pool = [|"vendor_api"|])] public void Extract() { }
        }
        """, "PIPE026", "Pool 'vendor_api' of task 'Extract' is not declared by this assembly or the assemblies it references. Declare it with [assembly: Pool(\"vendor_api\", Slots = 4)], or name one of the declared pools (none yet).");

    [Fact]
    public Task PIPE027_pool_slots_more_than_the_pool_has() => AssertSingle("""
        [assembly: Pool("vendor_api", Slots = 4)]
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask(Pool = "vendor_api", PoolSlots = [|5|])] public void Extract() { }
        }
        """, "PIPE027", "Task 'Extract' takes 5 slots of pool 'vendor_api', which has only 4, so it could never start. Lower PoolSlots to at most 4, or raise the pool's Slots.");

    [Theory]
    [InlineData("Pool = \"vendor_api\", PoolSlots = [|0|]", "PoolSlots of task 'Extract' is 0, but it must be at least 1.")]
    [InlineData("MaxActiveTries = [|-1|]", "MaxActiveTries of task 'Extract' is -1, but it must be 0 or more; 0 sets no limit.")]
    [InlineData("PriorityWeight = [|0|]", "PriorityWeight of task 'Extract' is 0, but it must be at least 1; raise it above the others' to go first.")]
    [InlineData("WeightRule = [|(PriorityWeightRule)7|]", "WeightRule of task 'Extract' is 7, but it must be one of the PriorityWeightRule values, such as PriorityWeightRule.Downstream.")]
    public Task PIPE015_task_controls_out_of_range(string arguments, string message) => AssertSingle($$"""
        [assembly: Pool("vendor_api", Slots = 4)]
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask({{arguments}})] public void Extract() { }
        }
        """, "PIPE015", message);

    [Fact]
    public Task PIPE015_negative_max_active_tasks() => AssertSingle("""
        [Pipeline("etl", MaxActiveTasks = [|-2|])]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
        }
        """, "PIPE015", "MaxActiveTasks of pipeline 'etl' is -2, but it must be 0 or more; 0 sets no limit.");

    [Fact]
    public Task PIPE028_pool_with_an_invalid_name() => AssertSingle("""
        [assembly: Pool([|"vendor api"|], Slots = 4)]
        """, "PIPE028", "Pool 'vendor api' is declared wrongly: its name has characters other than letters, digits, '_', '-' and '.', or does not start with a letter or digit. Name it with letters, digits, '_', '-' and '.', such as \"vendor_api\".");

    [Fact]
    public Task PIPE028_pool_without_slots() => AssertSingle("""
        [assembly: Pool("vendor_api", Slots = [|0|])]
        """, "PIPE028", "Pool 'vendor_api' is declared wrongly: it has 0 slots, so no task could ever take one. Give it at least one slot, as in Slots = 1.");

    [Fact]
    public Task PIPE028_pool_declared_twice_with_different_slots() => AssertSingle("""
        [assembly: Pool("vendor_api", Slots = 4)]
        [assembly: Pool("vendor_api", Slots = [|2|])]
        """, "PIPE028", "Pool 'vendor_api' is declared wrongly: it is already declared with 4 slots, and here with 2. Declare each pool once, or give both declarations the same Slots.");

    /// <summary>A library built against Pipelines that declares a pool, as a compiled reference.</summary>
    private static MetadataReference PoolLibrary(string declaration)
    {
        var library = GeneratorHarness.Compile(Usings + declaration).WithAssemblyName("SharedPools");
        using var image = new MemoryStream();
        var emitted = library.Emit(image);
        Assert.True(emitted.Success, string.Join("; ", emitted.Diagnostics));
        return MetadataReference.CreateFromImage(image.ToArray());
    }

    private static async Task<BuildResult> BuildWithReference(string source, MetadataReference reference)
    {
        var compilation = GeneratorHarness.Compile(Usings + source).AddReferences(reference);
        var (output, result, generatorDiagnostics) = GeneratorHarness.Generate(compilation);
        return new BuildResult(compilation, output, result, generatorDiagnostics, await GeneratorHarness.AnalyzeAsync(output));
    }

    [Fact]
    public async Task A_pool_declared_by_a_referenced_library_may_be_named_and_its_slots_are_checked()
    {
        var library = PoolLibrary("""[assembly: Pool("shared_api", Slots = 3)]""");
        var build = await BuildWithReference("""
            [Pipeline("etl")]
            public partial class Etl { [PipelineTask(Pool = "shared_api", PoolSlots = 3)] public void Extract() { } }
            """, library);
        Assert.Empty(build.Ours);
        // A library that only declares pools is never loaded by anything else, so the registry of the assembly whose
        // pipelines name the pool registers it too (the same slots: the catalog takes it once).
        Assert.Contains("new global::Pipelines.PoolDefinition(\"shared_api\", 3, null)", build.SourceFor("GeneratedPipelines.g.cs"), StringComparison.Ordinal);

        var tooMany = await BuildWithReference("""
            [Pipeline("etl")]
            public partial class Etl { [PipelineTask(Pool = "shared_api", PoolSlots = 4)] public void Extract() { } }
            """, library);
        Assert.Equal("PIPE027", Assert.Single(tooMany.Ours).Id);
    }

    [Fact]
    public async Task PIPE028_pool_declared_with_other_slots_than_a_referenced_library()
    {
        var (source, span) = Markup.Parse(Usings + """[assembly: Pool("shared_api", Slots = [|5|])]""");
        var compilation = GeneratorHarness.Compile(source).AddReferences(PoolLibrary("""[assembly: Pool("shared_api", Slots = 3)]"""));
        var diagnostic = Assert.Single(await GeneratorHarness.AnalyzeAsync(compilation), d => d.Id.StartsWith("PIPE", StringComparison.Ordinal));
        Assert.Equal("PIPE028", diagnostic.Id);
        Assert.Equal(span, diagnostic.Location.SourceSpan);
        Assert.Equal("Pool 'shared_api' is declared wrongly: 'SharedPools' already declares it with 3 slots, and here it has 5. Give both declarations the same Slots, or remove this one and use the referenced pool.",
            diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task A_pool_declared_twice_with_the_same_slots_is_harmless()
    {
        var build = await GeneratorHarness.BuildAsync(Usings + """
            [assembly: Pool("vendor_api", Slots = 4)]
            [assembly: Pool("vendor_api", Slots = 4, Description = "again")]
            """);
        Assert.Empty(build.Ours);
    }

    [Fact]
    public Task PIPE029_invalid_pipeline_deadline() => AssertSingle("""
        [Pipeline("etl", Deadline = [|"6.30"|])]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
        }
        """, "PIPE029", "Deadline '6.30' of pipeline 'etl' is invalid: '6.30' is not a deadline; write hh:mm (the first such time after the run's data interval ends, in the pipeline's time zone) or a session time such as @session_close+01:00.");

    [Fact]
    public Task PIPE029_invalid_task_deadline_gives_the_parser_reason() => AssertSingle("""
        [Pipeline("etl", Calendar = "XNYS")]
        public partial class Etl
        {
            [PipelineTask(Deadline = [|"@session_close+1h"|])] public void Extract() { }
        }
        """, "PIPE029", "Deadline '@session_close+1h' of task 'Extract' is invalid: '+1h' after @session_close is not an offset; write it as +hh:mm or -hh:mm, for example @session_close+00:30.");

    [Fact]
    public Task PIPE030_session_deadline_without_a_calendar() => AssertSingle("""
        [Pipeline("etl", Deadline = [|"@session_open-00:30"|])]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
        }
        """, "PIPE030", "Deadline '@session_open-00:30' of pipeline 'etl' is relative to exchange sessions, but pipeline 'etl' has no Calendar to take the sessions from. Add a Calendar such as Calendar = \"XNYS\" to the pipeline, or write a time of day such as \"06:30\".");

    [Fact]
    public Task PIPE030_session_deadline_on_a_task_without_a_calendar() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask(Deadline = [|"@session_close+01:00"|])] public void Extract() { }
        }
        """, "PIPE030", "Deadline '@session_close+01:00' of task 'Extract' is relative to exchange sessions, but pipeline 'etl' has no Calendar to take the sessions from. Add a Calendar such as Calendar = \"XNYS\" to the pipeline, or write a time of day such as \"06:30\".");

    [Theory]
    [InlineData("06:30")]
    [InlineData("@session_close+01:00")]
    [InlineData("@session_open-00:30")]
    [InlineData("@after_session 06:30")]
    public async Task Deadlines_on_a_calendar_pipeline_are_accepted(string deadline)
    {
        var build = await GeneratorHarness.BuildAsync(Usings + $$"""
            [Pipeline("nightly", Calendar = "XNYS", Deadline = "{{deadline}}")]
            public partial class Nightly { [PipelineTask(Deadline = "{{deadline}}")] public void Extract() { } }
            """);
        Assert.Empty(build.Ours);
        Assert.NotNull(build.SourceFor("Nightly.Pipeline.g.cs"));
    }

    [Fact]
    public Task PIPE031_callback_returning_a_value() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [OnFailure] public Task<bool> [|Page|](PipelineEvent failed) => Task.FromResult(true);
        }
        """, "PIPE031", "Callback 'Page' returns 'Task<bool>'. Return void, Task or ValueTask; nothing reads a callback's result.");

    [Fact]
    public Task PIPE031_callback_taking_a_ref_parameter() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [OnRetry] public void Page(PipelineEvent retry, ref int [|count|]) { }
        }
        """, "PIPE031", "Callback 'Page' takes 'count' by ref. Take the event, the cancellation token and services by value.");

    [Fact]
    public Task PIPE031_generic_callback() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [OnSuccess] public void [|Page|]<T>(PipelineEvent done) { }
        }
        """, "PIPE031", "Callback 'Page' is generic. Remove the type parameters; the pipeline cannot choose type arguments.");

    [Fact]
    public Task PIPE031_async_void_callback() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [OnDeadlineMissed] public async void [|Page|](PipelineEvent late) => await Task.Yield();
        }
        """, "PIPE031", "Callback 'Page' is async void, so the pipeline cannot await it or see its failure. Return Task instead of void.");

    [Fact]
    public Task PIPE031_callback_taking_a_run_context() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [OnFailure] public void Page(RunContext [|run|]) { }
        }
        """, "PIPE031", "Callback 'Page' takes 'run' as a RunContext, which only a running task has. Take the PipelineEvent instead: it names the run (RunId) and the task (TaskId).");

    [Fact]
    public Task PIPE032_callback_naming_an_unknown_task_suggests_the_closest() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [PipelineTask, DependsOn(nameof(Extract))] public void Load() { }
            [OnFailure(nameof(Load), [|"Extarct"|])] public void Page(PipelineEvent failed) { }
        }
        """, "PIPE032", "Callback 'Page' names 'Extarct', which is not a task of pipeline 'etl'. Did you mean 'Extract'? Name a [PipelineTask] method of this class, preferably with nameof, or name none for a pipeline-wide callback.");

    [Fact]
    public Task PIPE033_method_both_task_and_callback() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask, [|OnFailure|]] public void Extract() { }
        }
        """, "PIPE033", "Method 'Extract' is a [PipelineTask] and has [OnFailure]. A callback reacts to tasks and is not one; move the callback into its own method.");

    [Fact]
    public Task PIPE035_a_string_naming_a_task_suggests_nameof() => AssertSingle("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [PipelineTask, DependsOn([|"Extract"|])] public void Load() { }
        }
        """, "PIPE035", "Task id \"Extract\" is written as a string. Write nameof(Extract) instead, so renaming the task updates this reference and a typo fails to compile.");

    [Fact]
    public async Task PIPE035_is_not_reported_for_nameof_a_constant_or_an_unknown_id()
    {
        var build = await GeneratorHarness.BuildAsync(Usings + """
            [Pipeline("etl")]
            public partial class Etl
            {
                private const string First = "Extract";
                [PipelineTask] public void Extract() { }
                [PipelineTask, DependsOn(nameof(Extract), First)] public void Load() { }
                [PipelineTask, DependsOn("Lod")] public void Publish() { }
            }
            """);
        Assert.Equal("PIPE002", Assert.Single(build.Ours).Id);
    }

    [Fact]
    public Task PIPE021_callback_outside_a_pipeline_class() => AssertSingle("""
        public partial class Etl
        {
            [[|OnFailure|]] public void Page(PipelineEvent failed) { }
        }
        """, "PIPE021", "Method 'Page' has [OnFailure], but class 'Etl' has no [Pipeline] attribute, so the method is not part of any pipeline. Add [Pipeline(\"id\")] to the class or remove the attribute.");

    [Fact]
    public async Task Callbacks_may_be_static_or_instance_and_take_the_event_the_token_and_services()
    {
        var build = await GeneratorHarness.BuildAsync(Usings + """
            public interface IPager { Task PageAsync(string text, CancellationToken ct); }
            [Pipeline("etl")]
            public partial class Etl(IPager pager)
            {
                [PipelineTask] public static void Extract() { }
                [OnFailure] public Task Page(PipelineEvent failed, CancellationToken ct) => pager.PageAsync(failed.Message, ct);
                [OnSuccess(nameof(Extract)), OnRetry] public static ValueTask Log(IFormatProvider? culture, PipelineEvent e) => default;
                [OnDeadlineMissed] public static void Late() { }
            }
            """);
        Assert.Empty(build.Ours);
        Assert.Empty(build.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.NotNull(build.SourceFor("Etl.Pipeline.g.cs"));
    }

    [Theory]
    [InlineData("@session_close+00:30")]
    [InlineData("@session_open-01:00")]
    [InlineData("@session_close")]
    [InlineData("@after_session 04:00")]
    public async Task Session_schedules_on_a_calendar_pipeline_are_accepted(string schedule)
    {
        var build = await GeneratorHarness.BuildAsync(Usings + $$"""
            [Pipeline("nightly", Schedule = "{{schedule}}", TimeZone = "America/New_York", Calendar = "XNYS")]
            public partial class Nightly { [PipelineTask] public void Extract() { } }
            """);
        Assert.Empty(build.Ours);
        Assert.NotNull(build.SourceFor("Nightly.Pipeline.g.cs"));
    }

    [Fact]
    public async Task Every_supported_diagnostic_has_a_documentation_page_and_a_release_line()
    {
        var root = RepositoryRoot();
        var unshipped = await File.ReadAllTextAsync(Path.Combine(root, "analyzers", "Pipelines.Generators", "AnalyzerReleases.Unshipped.md"));
        foreach (var descriptor in new PipelineAnalyzer().SupportedDiagnostics)
        {
            Assert.True(File.Exists(Path.Combine(root, "docs", "diagnostics", descriptor.Id + ".md")), $"docs/diagnostics/{descriptor.Id}.md is missing");
            Assert.Contains($"{descriptor.Id} | Pipelines | {descriptor.DefaultSeverity} | {descriptor.Title}", unshipped, StringComparison.Ordinal);
            Assert.EndsWith($"docs/diagnostics/{descriptor.Id}.md", descriptor.HelpLinkUri, StringComparison.Ordinal);
        }
    }

    private static string CronReason(string expression)
    {
        try
        {
            Cronos.CronExpression.Parse(expression);
            throw new InvalidOperationException("expected an invalid expression");
        }
        catch (Cronos.CronFormatException ex)
        {
            return ex.Message.TrimEnd('.');
        }
    }

    internal static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, "..", ".."));
}
