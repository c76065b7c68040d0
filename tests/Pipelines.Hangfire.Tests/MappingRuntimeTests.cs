using global::Hangfire;
using NodaTime;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// Dynamic task mapping on a real Hangfire server, with Airflow's rules as the expected states: an empty collection skips
/// the mapped task, a downstream's trigger rule counts every instance (trigger_rule_dep over expanded task instances),
/// and a run's outcome comes from its leaves. Run on each storage (<see cref="InMemoryMappingRuntimeTests"/>,
/// <see cref="PostgreSqlMappingRuntimeTests"/>).
/// </summary>
public abstract class MappingRuntimeTests : IAsyncLifetime
{
    private PipelineHost _host = null!;

    protected abstract JobStorage CreateStorage();

    public async Task InitializeAsync() => _host = await PipelineHost.StartAsync(CreateStorage(), new[] { Mapped.Definition });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<PipelineRun> RunAsync(int day, IReadOnlyDictionary<string, string> parameters) =>
        _host.RunAsync("mapped", new LocalDate(2024, 5, day), parameters);

    private static Dictionary<string, TaskState> States(PipelineRun run) => run.Tasks.ToDictionary(t => t.TaskId, t => t.State);

    [Fact]
    public async Task Three_elements_run_three_instances_with_map_indexes_and_the_reduce_gets_their_results_in_index_order()
    {
        var run = await RunAsync(1, new Dictionary<string, string> { ["files"] = "3" });

        Assert.Equal(RunState.Success, run.State);
        Assert.All(run.Tasks, t => Assert.Equal(TaskState.Success, t.State));
        var loads = run.Instances["Load"];
        Assert.Equal(new[] { "Load[0]", "Load[1]", "Load[2]" }, loads.Select(i => i.TaskId));
        Assert.Equal(new int?[] { 0, 1, 2 }, loads.Select(i => i.MapIndex));
        Assert.All(loads, i => Assert.Equal(TaskState.Success, i.State));
        // Each instance is a task instance of its own: its own Hangfire job, try and output.
        Assert.Equal(3, loads.Select(i => i.CurrentJobId).Distinct().Count());
        Assert.Equal(3, run["Load"].MapLength);
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(1, _host.Effects.Count(run.RunId, "Load", $"file{i}.csv"));
            Assert.Equal(1, _host.Effects.Count(run.RunId, "Load", "index" + i));
            Assert.Equal($$"""{"name":"file{{i}}.csv","rows":{{(i + 1) * 10}},"mapIndex":{{i}}}""", _host.Operations.GetOutput("mapped", run.RunId, $"Load[{i}]"));
        }
        Assert.Equal("\"0:file0.csv,1:file1.csv,2:file2.csv\"", _host.Operations.GetOutput("mapped", run.RunId, "Report"));
        Assert.Equal("3", _host.Operations.GetOutput("mapped", run.RunId, "Cleanup"));
        // The mapped task's own output is what a reduce reads: its instances' results in map-index order.
        Assert.StartsWith("""[{"name":"file0.csv","rows":10,"mapIndex":0},{"name":"file1.csv",""", _host.Operations.GetOutput("mapped", run.RunId, "Load"), StringComparison.Ordinal);
        // Labels: the [MapLabel] property, or the element's ToString().
        Assert.Equal(new[] { "file0.csv", "file1.csv", "file2.csv" }, _host.Operations.GetMapLabels("mapped", run.RunId, "Load"));
        Assert.Equal(new[] { "10", "20", "30" }, _host.Operations.GetMapLabels("mapped", run.RunId, "Double"));
        Assert.Equal("3 instances: 3 success", MapSummary.Describe(loads));
        // Map after reduce: Double runs once per loaded file over the reduced rows, and Sum reduces it again.
        Assert.Equal(3, run.Instances["Double"].Length);
        Assert.Equal("120", _host.Operations.GetOutput("mapped", run.RunId, "Sum"));
    }

    [Fact]
    public async Task An_empty_collection_skips_the_mapped_task_and_its_downstream_follow_their_trigger_rules()
    {
        var run = await RunAsync(2, new Dictionary<string, string> { ["files"] = "0" });

        var states = States(run);
        Assert.Equal(TaskState.Success, states["ListVendorFiles"]);
        Assert.Equal(TaskState.Skipped, states["Load"]);
        Assert.StartsWith("Skipped: ListVendorFiles returned an empty collection", run["Load"].Reason, StringComparison.Ordinal);
        Assert.Empty(run.Instances["Load"]);
        Assert.Equal(0, _host.Effects.Counts.Keys.Count(k => k.StartsWith(run.RunId + "/Load", StringComparison.Ordinal)));
        // all_success over a skipped upstream: skipped; all_done: runs (with no results).
        Assert.Equal(TaskState.Skipped, states["Report"]);
        Assert.Equal(TaskState.Success, states["Cleanup"]);
        Assert.Equal("0", _host.Operations.GetOutput("mapped", run.RunId, "Cleanup"));
        Assert.Equal(TaskState.Skipped, states["Batches"]);
        Assert.Equal(TaskState.Skipped, states["Double"]);
        Assert.Equal(TaskState.Skipped, states["Sum"]);
        // No leaf failed: the run succeeds.
        Assert.Equal(RunState.Success, run.State);
    }

    [Fact]
    public async Task A_collection_longer_than_MaxMapLength_fails_the_mapped_task_with_the_count_and_the_limit()
    {
        var run = await RunAsync(3, new Dictionary<string, string> { ["files"] = "7" });

        var states = States(run);
        Assert.Equal(TaskState.Success, states["Load"]);
        Assert.Equal(7, run.Instances["Load"].Length);
        Assert.Equal(TaskState.Failed, states["Double"]);
        Assert.Equal("Failed: Batches returned 7 elements to map over, more than the limit of 5 set by [PipelineTask(MaxMapLength = 5)]. Raise the limit or split the collection.", run["Double"].Reason);
        Assert.False(run.Instances.ContainsKey("Double"));
        Assert.Equal(0, _host.Effects.Counts.Keys.Count(k => k.StartsWith(run.RunId + "/Double", StringComparison.Ordinal)));
        Assert.Equal(TaskState.UpstreamFailed, states["Sum"]);
        Assert.Equal(RunState.Failed, run.State);
    }

    [Fact]
    public async Task One_instance_failing_after_its_retries_fails_all_success_downstream_and_all_done_still_runs()
    {
        var run = await RunAsync(4, new Dictionary<string, string> { ["files"] = "3", ["fail"] = "file1.csv" });

        var loads = run.Instances["Load"];
        Assert.Equal(new[] { TaskState.Success, TaskState.Failed, TaskState.Success }, loads.Select(i => i.State));
        // Its own retries: two tries of the failing instance, one of the others.
        Assert.Equal(new[] { 1, 2, 1 }, loads.Select(i => i.TryNumber));
        Assert.Equal(2, _host.Effects.Count(run.RunId, "Load", "file1.csv"));
        Assert.Equal(2, loads[1].JobIds.Length);
        Assert.Contains("file1.csv is truncated (try 2)", loads[1].Reason, StringComparison.Ordinal);
        Assert.Contains(_host.Operations.GetLog("mapped", run.RunId, "Load[1]"), l => l.Try == 2 && l.Message.Contains("IOException", StringComparison.Ordinal));

        var states = States(run);
        Assert.Equal(TaskState.Failed, states["Load"]);
        // all_success over instances [success, failed, success]: upstream_failed; all_done: runs with the two results.
        Assert.Equal(TaskState.UpstreamFailed, states["Report"]);
        Assert.Equal(TaskState.Success, states["Cleanup"]);
        Assert.Equal("2", _host.Operations.GetOutput("mapped", run.RunId, "Cleanup"));
        Assert.Equal(TaskState.UpstreamFailed, states["Batches"]);
        Assert.Equal(TaskState.UpstreamFailed, states["Sum"]);
        Assert.Equal(RunState.Failed, run.State);
    }

    [Fact]
    public async Task Clearing_one_instance_runs_only_that_instance_again_and_its_downstream()
    {
        var first = await RunAsync(5, new Dictionary<string, string> { ["files"] = "3" });
        Assert.Equal(RunState.Success, first.State);

        var cleared = _host.Operations.Clear("mapped", first.RunId, new[] { "Load[1]" });
        Assert.Contains("Load[1]", cleared);
        Assert.DoesNotContain("Load[0]", cleared);
        var run = await _host.WaitAsync("mapped", first.RunId);

        Assert.Equal(RunState.Success, run.State);
        var loads = run.Instances["Load"];
        Assert.Equal(new[] { 1, 2, 1 }, loads.Select(i => i.TryNumber));
        Assert.Equal(1, _host.Effects.Count(run.RunId, "Load", "file0.csv"));
        Assert.Equal(2, _host.Effects.Count(run.RunId, "Load", "file1.csv"));
        Assert.Equal(1, _host.Effects.Count(run.RunId, "Load", "file2.csv"));
        Assert.Equal(1, _host.Effects.Count(run.RunId, "ListVendorFiles"));
        // What lies downstream of the mapped task ran again over all three results.
        Assert.Equal(2, _host.Effects.Count(run.RunId, "Report"));
        Assert.Equal("\"0:file0.csv,1:file1.csv,2:file2.csv\"", _host.Operations.GetOutput("mapped", run.RunId, "Report"));
        Assert.Equal("120", _host.Operations.GetOutput("mapped", run.RunId, "Sum"));
    }

    [Fact]
    public async Task Marking_a_failed_instance_success_settles_its_mapped_task_but_leaves_decided_downstream_alone()
    {
        var failed = await RunAsync(6, new Dictionary<string, string> { ["files"] = "2", ["fail"] = "file0.csv" });
        Assert.Equal(RunState.Failed, failed.State);
        Assert.Equal(TaskState.Failed, failed["Load"].State);

        _host.Operations.MarkState("mapped", failed.RunId, "Load[0]", TaskState.Success);
        var run = await _host.WaitAsync("mapped", failed.RunId);

        Assert.Equal(TaskState.Success, run["Load[0]"].State);
        Assert.Equal(TaskState.Success, run["Load"].State);
        // As Airflow's mark success: downstream already decided stays so until cleared, and the leaves decide the run.
        Assert.Equal(TaskState.UpstreamFailed, run["Report"].State);
        Assert.Equal(RunState.Failed, run.State);
    }

    // 500 instances is where a storage's per-instance cost shows: each has its own Hangfire job, record and output.
    [Theory]
    [InlineData(1)]
    [InlineData(500)]
    public async Task Each_element_runs_once_in_its_own_instance_and_the_reduce_sees_them_all(int files)
    {
        var run = await _host.RunAsync("mapped", new LocalDate(2024, 6, files == 1 ? 1 : 2), new Dictionary<string, string> { ["files"] = files.ToString(System.Globalization.CultureInfo.InvariantCulture) }, TimeSpan.FromMinutes(3));

        Assert.Equal(files, run.Instances["Load"].Length);
        Assert.Equal(Enumerable.Range(0, files).Select(i => (int?)i), run.Instances["Load"].Select(i => i.MapIndex));
        Assert.All(run.Instances["Load"], i => Assert.Equal(TaskState.Success, i.State));
        Assert.Equal(files, run.Instances["Load"].Select(i => i.CurrentJobId).Distinct().Count());
        Assert.All(Enumerable.Range(0, files), i => Assert.Equal(1, _host.Effects.Count(run.RunId, "Load", "index" + i)));
        Assert.Equal(files.ToString(System.Globalization.CultureInfo.InvariantCulture), _host.Operations.GetOutput("mapped", run.RunId, "Cleanup"));
        // Double maps after the reduce with MaxMapLength = 5: it runs over one file and fails over 500.
        Assert.Equal(files <= 5 ? TaskState.Success : TaskState.Failed, run["Double"].State);
    }
}

public sealed class InMemoryMappingRuntimeTests : MappingRuntimeTests
{
    protected override JobStorage CreateStorage() => PipelineHost.InMemoryStorage();
}

/// <summary>The mapping specification on a real PostgreSQL server, in a fresh database for this class.</summary>
public sealed class PostgreSqlMappingRuntimeTests : MappingRuntimeTests, IClassFixture<PostgreSqlMappingRuntimeTests.Database>
{
    private readonly Database _database;

    public PostgreSqlMappingRuntimeTests(Database database) => _database = database;

    protected override JobStorage CreateStorage() => PipelineHost.PostgreSqlStorage(_database.ConnectionString);

    public sealed class Database() : PostgresDatabase("mapping");
}
