using Microsoft.CodeAnalysis;
using Pipelines.Generators.Tests.Infrastructure;

namespace Pipelines.Generators.Tests;

/// <summary>
/// Generated code for representative pipelines, compared exactly with Snapshots/*.verified.cs.
/// Accept intended changes with PIPELINES_ACCEPT_SNAPSHOTS=1 and review the diff.
/// </summary>
public sealed class SnapshotTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks; using Pipelines;\n";

    private static async Task<BuildResult> BuildClean(string source)
    {
        var build = await GeneratorHarness.BuildAsync(Usings + source);
        Assert.Empty(build.Problems);
        Assert.Empty(build.GeneratorDiagnostics);
        Assert.All(build.Run.Results, r => Assert.Null(r.Exception));
        // The generated code compiles cleanly together with the user's code.
        Assert.Empty(build.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        return build;
    }

    [Fact]
    public async Task Linear_pipeline_of_static_tasks_with_settings()
    {
        var build = await BuildClean("""
            namespace Acme.Loads;

            [Pipeline("linear", Schedule = "0 4 * * 1-5", TimeZone = "America/New_York", StartDate = "2024-01-02", Catchup = true, PausedOnCreation = true, MaxActiveRuns = 1, Description = "Extract, transform, load.", Tags = new[] { "etl" })]
            public static partial class Linear
            {
                [PipelineTask(Retries = 2, RetryDelay = "00:05:00", Timeout = "01:00:00", Queue = "ingest")]
                public static void Extract() { }

                [PipelineTask, DependsOn(nameof(Extract))]
                public static Task Transform(CancellationToken cancellationToken) => Task.CompletedTask;

                [PipelineTask(Trigger = TriggerRule.AllDone), DependsOn(nameof(Transform))]
                public static ValueTask Load(RunContext run) => default;
            }
            """);
        Snapshot.Verify(build.SourceFor("Acme.Loads.Linear.Pipeline.g.cs")!, "Linear");
        Snapshot.Verify(build.SourceFor("GeneratedPipelines.g.cs")!, "Linear.Registry");
    }

    [Fact]
    public async Task Diamond_of_instance_tasks_with_typed_inputs_and_constructor_injection()
    {
        var build = await BuildClean("""
            namespace Acme.Loads
            {
                public sealed record Prices(int Count);
                public sealed record Fundamentals(decimal Total);
                public interface IVendorClient { Prices Fetch(); }

                public partial class Jobs
                {
                    [Pipeline("diamond", Schedule = "@daily")]
                    public sealed partial class Diamond(IVendorClient vendor, IFormatProvider? culture)
                    {
                        [PipelineTask]
                        public Task<Prices> Ingest(RunContext run, CancellationToken cancellationToken) => Task.FromResult(vendor.Fetch());

                        [PipelineTask]
                        public Fundamentals Left([FromTask(nameof(Ingest))] Prices prices) => new(prices.Count);

                        [PipelineTask]
                        public ValueTask<int> Right([FromTask(nameof(Ingest))] Prices prices) => new(prices.Count);

                        [PipelineTask]
                        public string Join([FromTask(nameof(Left))] Fundamentals left, [FromTask(nameof(Right))] long right) => string.Format(culture, "{0} {1}", left.Total, right);
                    }
                }
            }
            """);
        Snapshot.Verify(build.SourceFor("Acme.Loads.Jobs.Diamond.Pipeline.g.cs")!, "Diamond");
    }

    [Fact]
    public async Task Condition_and_branch_tasks()
    {
        var build = await BuildClean("""
            [Pipeline("lunch_bot", Schedule = "30 8 * * 1-5", TimeZone = "America/New_York", Calendar = "XNYS")]
            internal partial class LunchBot
            {
                [PipelineTask, Condition]
                public bool IsMarketDay(RunContext run) => true;

                [PipelineTask, Condition, DependsOn(nameof(IsMarketDay))]
                public static Task<bool> IsMostRecentDay() => Task.FromResult(true);

                [PipelineTask, Branch(nameof(PostMeetingNotice), nameof(PostLunchReminder)), DependsOn(nameof(IsMostRecentDay))]
                public string IsCompanyMeeting(RunContext run) => nameof(PostLunchReminder);

                [PipelineTask, DependsOn(nameof(IsCompanyMeeting))]
                public void PostMeetingNotice() { }

                [PipelineTask, DependsOn(nameof(IsCompanyMeeting))]
                public void PostLunchReminder() { }

                [PipelineTask, Branch(nameof(Audit)), DependsOn(nameof(PostMeetingNotice), nameof(PostLunchReminder))]
                public async Task<IReadOnlyList<string>> Fanout() { await Task.Yield(); return new[] { nameof(Audit) }; }

                [PipelineTask(Trigger = TriggerRule.NoneFailedMinOneSuccess), DependsOn(nameof(Fanout))]
                public void Audit() { }
            }
            """);
        Snapshot.Verify(build.SourceFor("LunchBot.Pipeline.g.cs")!, "ConditionAndBranch");
    }

    [Fact]
    public async Task Sensor_tasks_in_both_modes()
    {
        var build = await BuildClean("""
            namespace Acme.Loads;

            [Pipeline("vendor_drop")]
            public partial class VendorDrop
            {
                [PipelineTask, Sensor(PokeInterval = "00:00:30", Timeout = "02:00:00", SoftFail = true)]
                public ValueTask<bool> FileArrived(CancellationToken cancellationToken) => new(true);

                [PipelineTask, Sensor(Mode = SensorMode.Poke)]
                public static bool MarketOpen() => true;

                [PipelineTask(Retries = 3, RetryDelay = "00:00:10", RetryExponentialBackoff = true, MaxRetryDelay = "00:01:00"), DependsOn(nameof(FileArrived), nameof(MarketOpen))]
                public int Ingest() => 1;
            }
            """);
        Snapshot.Verify(build.SourceFor("Acme.Loads.VendorDrop.Pipeline.g.cs")!, "Sensor");
    }

    [Fact]
    public async Task Controls_pools_deadlines_and_a_callback_of_each_kind()
    {
        var build = await BuildClean("""
            [assembly: Pool("vendor_api", Slots = 4, Description = "The vendor allows four connections")]
            [assembly: Pool("risk_grid", Slots = 2)]

            namespace Acme.Loads;

            public interface IPager { Task PageAsync(string text, CancellationToken cancellationToken); }

            [Pipeline("controls", TimeZone = "America/New_York", Calendar = "XNYS", MaxActiveTasks = 4, Deadline = "@session_close+01:00")]
            public sealed partial class Controls(IPager pager)
            {
                [PipelineTask(Pool = "vendor_api", PoolSlots = 2, MaxActiveTries = 1, PriorityWeight = 10, WeightRule = PriorityWeightRule.Upstream, Deadline = "06:30")]
                public static void Ingest() { }

                [PipelineTask(Pool = "risk_grid", WaitForDownstream = true), DependsOn(nameof(Ingest))]
                public static void Roll() { }

                [PipelineTask(DependsOnPast = true, WeightRule = PriorityWeightRule.Absolute), DependsOn(nameof(Roll))]
                public static void Publish() { }

                [OnFailure]
                public Task Page(PipelineEvent failed, CancellationToken cancellationToken) => pager.PageAsync(failed.Message, cancellationToken);

                [OnSuccess(nameof(Publish))]
                public static void Done(PipelineEvent done, IFormatProvider? culture) { }

                [OnRetry(nameof(Ingest), nameof(Roll))]
                public static ValueTask Retrying(IServiceProvider services, PipelineEvent retry) => default;

                [OnDeadlineMissed]
                public void Late(PipelineEvent late) { }
            }
            """);
        Snapshot.Verify(build.SourceFor("Acme.Loads.Controls.Pipeline.g.cs")!, "Controls");
        Snapshot.Verify(build.SourceFor("GeneratedPipelines.g.cs")!, "Controls.Registry");
    }
}
