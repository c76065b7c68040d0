using System.Text.Json;
using global::Hangfire;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// The run's counts of a mapped task's instances (stored as <c>success,failed,upstream_failed,skipped,live</c> in the
/// field <c>Load[*]</c> of the run's counts hash): every step that changes an instance moves them, a step that changes the
/// expansion counts them again, and an instance's end settles its mapped task from them instead of reading every
/// instance. The run's tasks go to a queue no server reads, and the test starts and ends each try through the
/// coordinator, so each step is one the test chose. Expected states follow Airflow's rules for mapped tasks: the mapped
/// task fails when an instance fails, its all_success downstream is upstream_failed, its all_done downstream runs.
/// </summary>
public sealed class MappedInstanceCountsTests : IAsyncLifetime
{
    private PipelineHost _host = null!;

    public async Task InitializeAsync() => _host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Mapped.Definition }, configure: o => o.MaxJobsPerStep = 4);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private RunCoordinator Coordinator => _host.Services.GetRequiredService<RunCoordinator>();

    private static string TallyKey(string runId) => $"pipelines:run:mapped:{runId}:tally";

    private string? Stored(string runId, string field)
    {
        using var connection = _host.Storage.GetConnection();
        return connection.GetAllEntriesFromHash(TallyKey(runId))?.GetValueOrDefault(field);
    }

    private void Plant(string runId, string field, string value)
    {
        using var connection = _host.Storage.GetConnection();
        using var transaction = connection.CreateWriteTransaction();
        transaction.SetRangeInHash(TallyKey(runId), new Dictionary<string, string> { [field] = value });
        transaction.Commit();
    }

    private TaskInstance End(string runId, string taskId, int tryNumber, TryResult result)
    {
        var running = Coordinator.BeginTry(Mapped.Definition, runId, taskId, tryNumber, null, "test");
        Assert.NotNull(running);
        Assert.Equal(TaskState.Running, running.State);
        return Coordinator.CompleteTry(Mapped.Definition, runId, taskId, tryNumber, null, running.Execution, result)!;
    }

    private static TryResult Loaded(int index) =>
        TryResult.Succeeded(TaskOutcome.Completed(JsonSerializer.Serialize(new LoadedFile($"file{index}.csv", (index + 1) * 10, index))));

    /// <summary>Triggers a run over <paramref name="files"/> vendor files and ends ListVendorFiles, which expands Load.</summary>
    private string Expanded(LocalDate date, int files)
    {
        var runId = _host.Operations.Trigger("mapped", date, new Dictionary<string, string> { ["files"] = files.ToString(System.Globalization.CultureInfo.InvariantCulture) }, queue: "held");
        var list = Enumerable.Range(0, files).Select(i => new VendorFile($"file{i}.csv", (i + 1) * 10)).ToList();
        Assert.Equal(TaskState.Success, End(runId, "ListVendorFiles", 1, TryResult.Succeeded(TaskOutcome.Completed(JsonSerializer.Serialize(list)))).State);
        return runId;
    }

    [Fact]
    public void The_counts_follow_each_instances_end_and_settle_the_mapped_task_when_the_last_ends()
    {
        var runId = Expanded(new LocalDate(2024, 9, 1), 3);
        // Three instances queued: live.
        Assert.Equal("0,0,0,0,3", Stored(runId, "Load[*]"));

        Assert.Equal(TaskState.Success, End(runId, "Load[0]", 1, Loaded(0)).State);
        Assert.Equal("1,0,0,0,2", Stored(runId, "Load[*]"));

        // A failed try with a retry left is up_for_retry: still live.
        Assert.Equal(TaskState.UpForRetry, End(runId, "Load[1]", 1, TryResult.Failed("file1.csv is truncated")).State);
        Assert.Equal("1,0,0,0,2", Stored(runId, "Load[*]"));
        Thread.Sleep(300); // Load's retry delay is 200 ms.
        Assert.Equal(TaskState.Failed, End(runId, "Load[1]", 2, TryResult.Failed("file1.csv is truncated")).State);
        Assert.Equal("1,1,0,0,1", Stored(runId, "Load[*]"));
        Assert.Equal(TaskState.Running, _host.Operations.GetRun("mapped", runId)!["Load"].State);

        Assert.Equal(TaskState.Success, End(runId, "Load[2]", 1, Loaded(2)).State);
        Assert.Equal("2,1,0,0,0", Stored(runId, "Load[*]"));
        var run = _host.Operations.GetRun("mapped", runId)!;
        Assert.Equal(TaskState.Failed, run["Load"].State);
        Assert.Equal("3 instance(s): 2 succeeded, 1 failed, 0 upstream_failed, 0 skipped.", run["Load"].Reason);
        Assert.Equal(TaskState.UpstreamFailed, run["Report"].State);
        Assert.Equal(TaskState.UpstreamFailed, run["Batches"].State);
        Assert.Equal(TaskState.Queued, run["Cleanup"].State);
    }

    [Fact]
    public void An_instances_end_settles_the_mapped_task_from_the_counts_not_from_every_instance()
    {
        var runId = Expanded(new LocalDate(2024, 9, 2), 3);
        // The counts claim one instance succeeded and one failed, which is false: all three are queued. A step that read
        // every instance would leave Load running after Load[0] ends; one that reads the counts finds all three done.
        Plant(runId, "Load[*]", "1,1,0,0,1");

        Assert.Equal(TaskState.Success, End(runId, "Load[0]", 1, Loaded(0)).State);
        var run = _host.Operations.GetRun("mapped", runId)!;
        Assert.Equal(TaskState.Failed, run["Load"].State);
        Assert.Equal("3 instance(s): 2 succeeded, 1 failed, 0 upstream_failed, 0 skipped.", run["Load"].Reason);
        Assert.Equal(TaskState.UpstreamFailed, run["Report"].State);
    }

    [Fact]
    public void Counts_that_do_not_add_up_are_read_again_from_the_states_and_repaired_by_an_instances_end()
    {
        var runId = Expanded(new LocalDate(2024, 9, 6), 3);
        // More instances counted than Load has: not its counts. The end reads the states, settles Load by them (still
        // running, two instances queued) and writes their counts back.
        Plant(runId, "Load[*]", "7,7,7,7,7");

        Assert.Equal(TaskState.Success, End(runId, "Load[0]", 1, Loaded(0)).State);
        Assert.Equal("1,0,0,0,2", Stored(runId, "Load[*]"));
        var run = _host.Operations.GetRun("mapped", runId)!;
        Assert.Equal(TaskState.Running, run["Load"].State);
        Assert.Equal(TaskState.None, run["Report"].State);
        Assert.Equal(TaskState.None, run["Cleanup"].State);

        End(runId, "Load[1]", 1, Loaded(1));
        End(runId, "Load[2]", 1, Loaded(2));
        Assert.Equal("3,0,0,0,0", Stored(runId, "Load[*]"));
        Assert.Equal(TaskState.Success, _host.Operations.GetRun("mapped", runId)!["Load"].State);
    }

    [Fact]
    public void Instances_left_over_the_job_budget_are_undecided_until_a_later_step_queues_them()
    {
        // MaxJobsPerStep is 4: the expansion queues 4 of 10 instances, and the steps that follow queue 4, then 2.
        var runId = Expanded(new LocalDate(2024, 9, 3), 10);
        Assert.Equal("0,0,0,0,10", Stored(runId, "Load[*]"));
        var run = _host.Operations.GetRun("mapped", runId)!;
        Assert.All(run.Instances["Load"], i => Assert.Equal(TaskState.Queued, i.State));

        for (var i = 0; i < 10; i++) End(runId, $"Load[{i}]", 1, Loaded(i));
        Assert.Equal("10,0,0,0,0", Stored(runId, "Load[*]"));
        run = _host.Operations.GetRun("mapped", runId)!;
        Assert.Equal(TaskState.Success, run["Load"].State);
        Assert.Equal(TaskState.Queued, run["Report"].State);
    }

    [Fact]
    public void Clearing_an_instance_moves_it_out_of_the_done_counts_and_queues_it_again_and_a_wrong_count_is_repaired()
    {
        var runId = Expanded(new LocalDate(2024, 9, 4), 3);
        for (var i = 0; i < 3; i++) End(runId, $"Load[{i}]", 1, Loaded(i));
        Assert.Equal("3,0,0,0,0", Stored(runId, "Load[*]"));
        Assert.Equal(TaskState.Success, _host.Operations.GetRun("mapped", runId)!["Load"].State);

        // A wrong stored count: an operator's change reads every record and counts the run again.
        Plant(runId, "Load[*]", "7,7,7,7,7");
        _host.Operations.Clear("mapped", runId, new[] { "Load[1]" }, ClearScope.Task);
        Assert.Equal("2,0,0,0,1", Stored(runId, "Load[*]"));
        var run = _host.Operations.GetRun("mapped", runId)!;
        Assert.Equal(TaskState.Queued, run.Instances["Load"][1].State);
        Assert.Equal(2, run.Instances["Load"][1].TryNumber);
        Assert.Equal(TaskState.Running, run["Load"].State);

        Assert.Equal(TaskState.Success, End(runId, "Load[1]", 2, Loaded(1)).State);
        Assert.Equal("3,0,0,0,0", Stored(runId, "Load[*]"));
        Assert.Equal(TaskState.Success, _host.Operations.GetRun("mapped", runId)!["Load"].State);
    }

    [Fact]
    public void Clearing_the_mapped_task_whole_counts_its_new_expansion_again()
    {
        var runId = Expanded(new LocalDate(2024, 9, 5), 3);
        End(runId, "Load[0]", 1, Loaded(0));
        Assert.Equal(TaskState.UpForRetry, End(runId, "Load[1]", 1, TryResult.Failed("file1.csv is truncated")).State);
        Assert.Equal("1,0,0,0,2", Stored(runId, "Load[*]"));

        // Cleared whole, Load forgets its expansion and, its upstream done, expands again in the same step: three
        // instances queued, none counted done.
        _host.Operations.Clear("mapped", runId, new[] { "Load" }, ClearScope.Task);
        Assert.Equal("0,0,0,0,3", Stored(runId, "Load[*]"));
        var run = _host.Operations.GetRun("mapped", runId)!;
        Assert.Equal(3, run["Load"].MapLength);
        Assert.All(run.Instances["Load"], i => Assert.Equal(TaskState.Queued, i.State));

        // The instance ends of the new expansion are counted by the instances' ends alone (a counted step).
        Assert.Equal(TaskState.Success, End(runId, "Load[0]", 2, Loaded(0)).State);
        Assert.Equal("1,0,0,0,2", Stored(runId, "Load[*]"));
    }
}
