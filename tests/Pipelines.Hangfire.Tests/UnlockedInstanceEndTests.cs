using System.Text.Json;
using global::Hangfire;
using global::Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// On PostgreSQL a mapped instance's end goes beside the run's lock (<see cref="UnlockedEnd"/>): it adds to its mapped
/// task's instance counts atomically, and the end whose addition completes them has the mapped task settled by one locked
/// step. Expected states are Airflow's for mapped tasks: a failed instance fails an all_success downstream at once
/// (upstream_failed), the mapped task fails when its instances are done with one failed, and an all_done downstream runs
/// then. Against a real PostgreSQL server; the run's jobs go to a queue no server reads, and the test starts and ends each
/// try through the coordinator.
/// </summary>
public sealed class UnlockedInstanceEndTests : IClassFixture<UnlockedInstanceEndTests.Database>, IAsyncLifetime
{
    private readonly Database _database;
    private PipelineHost _host = null!;

    public UnlockedInstanceEndTests(Database database) => _database = database;

    public sealed class Database() : PostgresDatabase("instance_ends");

    public async Task InitializeAsync()
    {
        _host = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(_database.ConnectionString), new[] { Mapped.Definition });
        // The reconciler's minute pass would make steps of its own: the tests count steps.
        _host.Services.GetRequiredService<IRecurringJobManager>().RemoveIfExists(PipelinesStartup.ReconcilerJobId);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private RunCoordinator Coordinator => _host.Services.GetRequiredService<RunCoordinator>();

    private string? Get(string key, string field)
    {
        using var connection = _host.Storage.GetConnection();
        return ((JobStorageConnection)connection).GetValueFromHash(key, field);
    }

    private static TryResult Loaded(int index) =>
        TryResult.Succeeded(TaskOutcome.Completed(JsonSerializer.Serialize(new LoadedFile($"file{index}.csv", (index + 1) * 10, index))));

    /// <summary>Triggers a run of mapped over <paramref name="files"/> files, ends ListVendorFiles and starts every instance's first try.</summary>
    private (string RunId, Dictionary<string, string?> Executions) StartInstances(int day, int files, string? fail = null)
    {
        var pipeline = Mapped.Definition;
        var parameters = new Dictionary<string, string> { ["files"] = files.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (fail is not null) parameters["fail"] = fail;
        var runId = _host.Operations.Trigger(pipeline.Id, new NodaTime.LocalDate(2024, 10, day), parameters, queue: "held");
        var list = Enumerable.Range(0, files).Select(i => new VendorFile($"file{i}.csv", (i + 1) * 10)).ToList();
        var start = Coordinator.BeginTry(pipeline, runId, "ListVendorFiles", 1, null, "test")!;
        Coordinator.CompleteTry(pipeline, runId, "ListVendorFiles", 1, null, start.Execution, TryResult.Succeeded(TaskOutcome.Completed(JsonSerializer.Serialize(list))));
        return (runId, Enumerable.Range(0, files).ToDictionary(i => $"Load[{i}]", i => Coordinator.BeginTry(pipeline, runId, $"Load[{i}]", 1, null, "test")?.Execution));
    }

    [Fact]
    public async Task Thirty_instances_end_beside_the_runs_lock_and_one_step_settles_the_mapped_task()
    {
        var pipeline = Mapped.Definition;
        var (runId, executions) = StartInstances(1, 30);
        Assert.All(executions.Values, e => Assert.NotNull(e));
        Assert.Equal("0,0,0,0,30", Get(PipelineStore.TallyKey(pipeline.Id, runId), "Load[*]"));

        using var steps = MeasurementCounter.Steps(pipeline.Id);
        var finals = new System.Collections.Concurrent.ConcurrentDictionary<string, TaskInstance?>();
        await Parallel.ForEachAsync(executions, new ParallelOptions { MaxDegreeOfParallelism = 10 }, (pair, _) =>
        {
            var index = MapKey.IndexOf(pair.Key)!.Value;
            finals[pair.Key] = Coordinator.CompleteTryTogether(pipeline, runId, new EndedTry(pair.Key, 1, null, pair.Value, Loaded(index)));
            return ValueTask.CompletedTask;
        });
        steps.Dispose();

        // One locked step in all: the one that settled Load once its counts were complete (asked for by the end whose
        // addition completed them, or taken by an end that saw them complete).
        Assert.Equal(1, steps.Count);
        var run = _host.Operations.GetRun(pipeline.Id, runId)!;
        var instances = run.Instances["Load"];
        Assert.Equal(30, instances.Length);
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(TaskState.Success, finals[$"Load[{i}]"]!.State);
            Assert.Equal(TaskState.Success, instances[i].State);
            Assert.Equal($"file{i}.csv", JsonSerializer.Deserialize<LoadedFile>(_host.Operations.GetOutput(pipeline.Id, runId, $"Load[{i}]")!)!.Name);
        }
        Assert.Equal(TaskState.Success, run["Load"].State);
        Assert.Equal("30 instance(s): 30 succeeded, 0 failed, 0 upstream_failed, 0 skipped.", run["Load"].Reason);
        foreach (var downstream in new[] { "Report", "Cleanup", "Batches" })
        {
            Assert.Equal(TaskState.Queued, run[downstream].State);
            Assert.Single(run[downstream].JobIds);
        }
        Assert.Equal("30,0,0,0,0", Get(PipelineStore.TallyKey(pipeline.Id, runId), "Load[*]"));
        // ListVendorFiles and Load are finished (instances are not counted among the run's tasks).
        Assert.StartsWith("2@", Get(PipelineStore.RunKey(pipeline.Id, runId), RunRecord.FinishedTasksField));
    }

    [Fact]
    public async Task After_a_failed_instance_fails_its_all_success_downstream_the_others_end_beside_the_lock_and_the_all_done_downstream_runs()
    {
        var pipeline = Mapped.Definition;
        var (runId, executions) = StartInstances(2, 20, fail: "file7.csv");

        // Load[7] fails twice (one retry): a retry and a failure each take the locked step.
        Assert.Equal(TaskState.UpForRetry, Coordinator.CompleteTryTogether(pipeline, runId, new EndedTry("Load[7]", 1, null, executions["Load[7]"], TryResult.Failed("file7.csv is truncated")))!.State);
        Thread.Sleep(300); // Load's retry delay is 200 ms.
        var retry = Coordinator.BeginTry(pipeline, runId, "Load[7]", 2, null, "test")!;
        Assert.Equal(TaskState.Failed, Coordinator.CompleteTryTogether(pipeline, runId, new EndedTry("Load[7]", 2, null, retry.Execution, TryResult.Failed("file7.csv is truncated")))!.State);
        var run = _host.Operations.GetRun(pipeline.Id, runId)!;
        Assert.Equal(TaskState.UpstreamFailed, run["Report"].State);
        Assert.Equal(TaskState.UpstreamFailed, run["Batches"].State);
        Assert.Equal(TaskState.None, run["Cleanup"].State);
        Assert.Equal(TaskState.Running, run["Load"].State);

        using var steps = MeasurementCounter.Steps(pipeline.Id);
        await Parallel.ForEachAsync(executions.Where(e => e.Key != "Load[7]"), new ParallelOptions { MaxDegreeOfParallelism = 10 }, (pair, _) =>
        {
            Assert.Equal(TaskState.Success, Coordinator.CompleteTryTogether(pipeline, runId, new EndedTry(pair.Key, 1, null, pair.Value, Loaded(MapKey.IndexOf(pair.Key)!.Value)))!.State);
            return ValueTask.CompletedTask;
        });
        steps.Dispose();

        Assert.Equal(1, steps.Count);
        run = _host.Operations.GetRun(pipeline.Id, runId)!;
        Assert.Equal(TaskState.Failed, run["Load"].State);
        Assert.Equal("20 instance(s): 19 succeeded, 1 failed, 0 upstream_failed, 0 skipped.", run["Load"].Reason);
        Assert.Equal(TaskState.Queued, run["Cleanup"].State);
        Assert.Equal(TaskState.UpstreamFailed, run["Report"].State);
        Assert.Equal(RunState.Running, run.State);
        Assert.Equal("19,1,0,0,0", Get(PipelineStore.TallyKey(pipeline.Id, runId), "Load[*]"));
    }

    [Fact]
    public void A_stale_end_of_an_instance_changes_nothing()
    {
        var pipeline = Mapped.Definition;
        var (runId, executions) = StartInstances(3, 3);
        Assert.Equal(TaskState.Success, Coordinator.CompleteTryTogether(pipeline, runId, new EndedTry("Load[0]", 1, null, executions["Load[0]"], Loaded(0)))!.State);
        Assert.Equal("1,0,0,0,2", Get(PipelineStore.TallyKey(pipeline.Id, runId), "Load[*]"));

        // The same end delivered again (a job run twice) finds the instance done: nothing is counted twice.
        Coordinator.CompleteTryTogether(pipeline, runId, new EndedTry("Load[0]", 1, null, executions["Load[0]"], TryResult.Failed("late duplicate")));
        Assert.Equal("1,0,0,0,2", Get(PipelineStore.TallyKey(pipeline.Id, runId), "Load[*]"));
        var run = _host.Operations.GetRun(pipeline.Id, runId)!;
        Assert.Equal(TaskState.Success, run.Instances["Load"][0].State);
        Assert.Equal(TaskState.Running, run["Load"].State);
    }
}
