using System.Collections.Immutable;
using global::Hangfire;
using global::Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// On PostgreSQL a try's end that changes only its own record and its join's counts goes beside the run's lock
/// (<see cref="UnlockedEnd"/>, <see cref="IPipelineCountingSwapStorage"/>): the counts are added atomically, each end learns
/// the count its addition left, and the end that completes a join has it decided by one locked step. Against a real
/// PostgreSQL server.
/// </summary>
public sealed class UnlockedEndTests : IClassFixture<UnlockedEndTests.Database>, IAsyncLifetime
{
    private static readonly ImmutableArray<int> s_oneSuccess = ImmutableArray.Create(1, 0, 0, 0);
    private static readonly ImmutableArray<int> s_oneFinished = ImmutableArray.Create(1);

    private readonly Database _database;
    private PipelineHost _host = null!;

    public UnlockedEndTests(Database database) => _database = database;

    public sealed class Database() : PostgresDatabase("ends");

    public async Task InitializeAsync()
    {
        _host = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(_database.ConnectionString), new[] { Fan100.Definition });
        // The reconciler's minute pass would make steps of its own: the tests count steps.
        _host.Services.GetRequiredService<IRecurringJobManager>().RemoveIfExists(PipelinesStartup.ReconcilerJobId);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private IPipelineCountingSwapStorage Counting => Assert.IsAssignableFrom<IPipelineCountingSwapStorage>(_host.Storage);

    private void Set(string key, string field, string value)
    {
        using var connection = _host.Storage.GetConnection();
        using var transaction = connection.CreateWriteTransaction();
        transaction.SetRangeInHash(key, new Dictionary<string, string> { [field] = value });
        transaction.Commit();
    }

    private string? Get(string key, string field)
    {
        using var connection = _host.Storage.GetConnection();
        return ((JobStorageConnection)connection).GetValueFromHash(key, field);
    }

    [Fact]
    public async Task Counting_swaps_beside_each_other_add_atomically_and_each_returns_the_count_its_addition_left()
    {
        const string resource = "pipelines:test:count-a";
        var ids = Enumerable.Range(0, 20).Select(i => $"t{i:00}").ToArray();
        foreach (var id in ids) Set("count:tasks", id, "running|" + id);
        Set("count:run", "finished", "5@9f3a");

        var counts = await Task.WhenAll(ids.Select(id => Task.Run(() =>
        {
            using var swap = Counting.BeginCountingSwap(resource, TimeSpan.FromSeconds(10), Array.Empty<string>(), new[] { new KeyValuePair<string, string>("count:tasks", id) },
                new HashFieldWrite("count:kept", id, "kept|" + id), out var read);
            Assert.Equal("running|" + id, read["count:tasks"][id]);
            return swap.Swap(new HashFieldWrite("count:tasks", id, "success|" + id), "running|" + id,
                new[] { new HashCountMove("count:tally", "join", s_oneSuccess), new HashCountMove("count:run", "finished", s_oneFinished) },
                new[] { new HashFieldWrite("count:outputs", id, "out-" + id) });
        })));

        // Every addition saw those before it and none after: the twenty counts are 1 to 20, the finished ones 6 to 25.
        Assert.All(counts, c => Assert.NotNull(c));
        Assert.Equal(Enumerable.Range(1, 20).Select(n => $"{n},0,0,0"), counts.Select(c => c![0]).OrderBy(c => int.Parse(c.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(Enumerable.Range(6, 20).Select(n => $"{n}@9f3a"), counts.Select(c => c![1]).OrderBy(c => int.Parse(c.Split('@')[0], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("20,0,0,0", Get("count:tally", "join"));
        Assert.Equal("25@9f3a", Get("count:run", "finished"));
        foreach (var id in ids)
        {
            Assert.Equal("success|" + id, Get("count:tasks", id));
            Assert.Equal("out-" + id, Get("count:outputs", id));
            Assert.Equal("kept|" + id, Get("count:kept", id));
        }

        // A swap whose field holds something else adds nothing and writes nothing; what it kept first stays kept.
        using (var stale = Counting.BeginCountingSwap(resource, TimeSpan.FromSeconds(10), Array.Empty<string>(), new[] { new KeyValuePair<string, string>("count:tasks", "t00") },
                   new HashFieldWrite("count:kept", "late", "kept|late"), out _))
        {
            Assert.Null(stale.Swap(new HashFieldWrite("count:tasks", "t00", "failed|t00"), "running|t00",
                new[] { new HashCountMove("count:tally", "join", ImmutableArray.Create(0, 1, 0, 0)), new HashCountMove("count:tally", "other", s_oneSuccess) },
                new[] { new HashFieldWrite("count:outputs", "late", "out-late") }));
        }
        Assert.Equal("success|t00", Get("count:tasks", "t00"));
        Assert.Equal("20,0,0,0", Get("count:tally", "join"));
        Assert.Null(Get("count:tally", "other"));
        Assert.Null(Get("count:outputs", "late"));
        Assert.Equal("kept|late", Get("count:kept", "late"));
    }

    [Fact]
    public void A_conditional_counting_swap_adds_and_writes_only_where_every_condition_holds_and_returns_each_count_in_the_order_given()
    {
        var conditional = Assert.IsAssignableFrom<IPipelineConditionalSwapStorage>(_host.Storage);
        Set("cond:tasks", "t", "running|1");
        Set("cond:tasks", "decided", "success|{}");
        Set("cond:tasks", "undecided", "none|{}");
        Set("cond:run", "finished", "5@9f3a");
        // Given out of the order the additions are made in (by key, then field): the counts come back in the order given.
        var moves = new[] { new HashCountMove("cond:tally", "z", s_oneSuccess), new HashCountMove("cond:run", "finished", s_oneFinished), new HashCountMove("cond:tally", "a", s_oneSuccess) };
        IReadOnlyList<string>? Swap(params HashFieldCondition[] conditions) =>
            conditional.SwapIf("pipelines:test:cond", TimeSpan.FromSeconds(5), new HashFieldWrite("cond:kept", "t", "kept"), new HashFieldWrite("cond:tasks", "t", "success|1"), "running|1",
                conditions, moves, new[] { new HashFieldWrite("cond:outputs", "t", "out") }, new[] { "cond:run" }, new[] { new KeyValuePair<string, string>("cond:tally", "a") }, out _);

        // Each condition that does not hold changes nothing but what is kept first.
        Assert.Null(Swap(new HashFieldCondition("cond:tasks", "decided", HashFieldTest.AbsentOrStartsWith, "none|")));
        Assert.Null(Swap(new HashFieldCondition("cond:run", "finished", HashFieldTest.EndsWith, "@0000")));
        Assert.Null(Swap(new HashFieldCondition("cond:run", "missing", HashFieldTest.EndsWith, "@9f3a")));
        Assert.Null(Swap(new HashFieldCondition("cond:run", "finished", HashFieldTest.Equals, "4@9f3a")));
        Assert.Null(Swap(new HashFieldCondition("cond:run", "finished", HashFieldTest.Equals, null)));
        Assert.Equal("running|1", Get("cond:tasks", "t"));
        Assert.Null(Get("cond:tally", "a"));
        Assert.Equal("5@9f3a", Get("cond:run", "finished"));
        Assert.Null(Get("cond:outputs", "t"));
        Assert.Equal("kept", Get("cond:kept", "t"));

        // All hold (an undecided record, an absent one, the count's suffix, an absent field expected absent): done at once.
        var counts = Swap(
            new HashFieldCondition("cond:tasks", "undecided", HashFieldTest.AbsentOrStartsWith, "none|"),
            new HashFieldCondition("cond:tasks", "absent", HashFieldTest.AbsentOrStartsWith, "none|"),
            new HashFieldCondition("cond:run", "finished", HashFieldTest.EndsWith, "@9f3a"),
            new HashFieldCondition("cond:run", "missing", HashFieldTest.Equals, null));
        Assert.Equal(new[] { "1,0,0,0", "6@9f3a", "1,0,0,0" }, counts);
        Assert.Equal("success|1", Get("cond:tasks", "t"));
        Assert.Equal("out", Get("cond:outputs", "t"));
        Assert.Equal("1,0,0,0", Get("cond:tally", "z"));
    }

    [Fact]
    public void A_counting_swap_waits_for_a_step_and_keeps_its_first_write_when_the_wait_times_out()
    {
        const string resource = "pipelines:test:count-b";
        Set("count:b", "t", "running|1");
        using (var connection = _host.Storage.GetConnection())
        using (StorageLocks.Acquire(_host.Storage, connection, resource, TimeSpan.FromSeconds(5)))
        {
            Assert.Throws<DistributedLockTimeoutException>(() => Counting.BeginCountingSwap(resource, TimeSpan.FromMilliseconds(300), Array.Empty<string>(),
                new[] { new KeyValuePair<string, string>("count:b", "t") }, new HashFieldWrite("count:b-kept", "t", "kept"), out _));
        }
        Assert.Equal("kept", Get("count:b-kept", "t"));
        // The step's lock is free again, and the swap leaves none behind: a step takes it at once after the swap ends.
        using (var swap = Counting.BeginCountingSwap(resource, TimeSpan.FromSeconds(5), Array.Empty<string>(), new[] { new KeyValuePair<string, string>("count:b", "t") }, null, out var read))
        {
            Assert.Equal("running|1", read["count:b"]["t"]);
            Assert.NotNull(swap.Swap(new HashFieldWrite("count:b", "t", "success|1"), "running|1", new[] { new HashCountMove("count:b-tally", "j", s_oneSuccess) }, Array.Empty<HashFieldWrite>()));
        }
        using (var connection = _host.Storage.GetConnection())
        using (StorageLocks.Acquire(_host.Storage, connection, resource, TimeSpan.Zero)) { }
        Assert.Equal("1,0,0,0", Get("count:b-tally", "j"));
    }

    /// <summary>Starts a run of fan_100 whose jobs no server reads, ends its Start, and starts the hundred tries.</summary>
    private (string RunId, Dictionary<string, string?> Executions) StartFan(RunCoordinator coordinator, int day) =>
        StartFan(coordinator, day, out _);

    /// <summary>As <see cref="StartFan(RunCoordinator, int)"/>, also giving each try's end as its job makes it (with the task its start wrote and the run it read).</summary>
    private (string RunId, Dictionary<string, string?> Executions) StartFan(RunCoordinator coordinator, int day, out Dictionary<string, Func<TryResult, EndedTry>> ends)
    {
        var pipeline = Fan100.Definition;
        var runId = _host.Operations.Trigger(pipeline.Id, new NodaTime.LocalDate(2024, 6, day), queue: "held");
        var start = coordinator.BeginTry(pipeline, runId, "Start", 1, null, "test")!;
        coordinator.CompleteTry(pipeline, runId, "Start", 1, null, start.Execution, TryResult.Succeeded(TaskOutcome.Completed("7")));
        var workers = Enumerable.Range(0, 100).Select(i => $"W{i:000}").ToArray();
        var executions = new Dictionary<string, string?>();
        ends = new Dictionary<string, Func<TryResult, EndedTry>>();
        foreach (var id in workers)
        {
            var started = coordinator.BeginTry(pipeline, runId, id, 1, null, "test", default, out var run);
            executions[id] = started?.Execution;
            if (started is null) continue;
            using (var connection = _host.Storage.GetConnection()) run ??= PipelineStore.ReadRunRecord(connection, pipeline.Id, runId);
            var taskId = id;
            ends[id] = result => new EndedTry(taskId, 1, null, started.Execution, result) { Started = started, Run = run };
        }
        return (runId, executions);
    }

    [Fact]
    public async Task An_end_whose_try_started_here_goes_beside_the_lock_in_one_round_trip_and_the_join_is_queued_once()
    {
        var pipeline = Fan100.Definition;
        var coordinator = _host.Services.GetRequiredService<RunCoordinator>();
        var (runId, _) = StartFan(coordinator, 12, out var ends);
        Assert.Equal(100, ends.Count);

        using var steps = MeasurementCounter.Steps(pipeline.Id);
        // An end that expects the running record its start wrote, the run its start read and the pause as read here:
        // kept, swapped and counted in one round trip, without a step.
        using (var trips = new RoundTrips())
        {
            foreach (var id in new[] { "W000", "W001", "W002" })
                Assert.Equal(1, trips.Of(() => Assert.Equal(TaskState.Success, coordinator.CompleteTryTogether(pipeline, runId, ends[id](TryResult.Succeeded(TaskOutcome.Completed(id[1..]))))!.State)));
        }
        Assert.Equal(0, steps.Count);
        Assert.Equal("3,0,0,0", Get(PipelineStore.TallyKey(pipeline.Id, runId), "Join"));
        // The result was kept in the same round trip, before the wait for the lock.
        using (var connection = _host.Storage.GetConnection())
            Assert.Equal(_host.Operations.GetRun(pipeline.Id, runId)!["W000"].Execution, RecordedResults.Read(connection, pipeline.Id, runId, "W000")?.Execution);

        // The rest ten at a time: one locked step in all, the one that decided the join once its counts were complete.
        await Parallel.ForEachAsync(ends.Where(e => e.Key is not ("W000" or "W001" or "W002")), new ParallelOptions { MaxDegreeOfParallelism = 10 }, (pair, _) =>
        {
            Assert.Equal(TaskState.Success, coordinator.CompleteTryTogether(pipeline, runId, pair.Value(TryResult.Succeeded(TaskOutcome.Completed(pair.Key[1..]))))!.State);
            return ValueTask.CompletedTask;
        });
        steps.Dispose();
        Assert.Equal(1, steps.Count);
        var run = _host.Operations.GetRun(pipeline.Id, runId)!;
        foreach (var id in ends.Keys)
        {
            Assert.Equal(TaskState.Success, run[id].State);
            Assert.Equal(id[1..], _host.Operations.GetOutput(pipeline.Id, runId, id));
        }
        Assert.Equal(TaskState.Queued, run["Join"].State);
        Assert.Single(run["Join"].JobIds);
        Assert.Equal(RunState.Running, run.State);
        Assert.Equal("100,0,0,0", Get(PipelineStore.TallyKey(pipeline.Id, runId), "Join"));
        Assert.StartsWith("101@", Get(PipelineStore.RunKey(pipeline.Id, runId), RunRecord.FinishedTasksField));
    }

    [Fact]
    public void An_end_whose_expectations_no_longer_hold_reads_first_and_decides_as_a_step_would()
    {
        var pipeline = Fan100.Definition;
        var coordinator = _host.Services.GetRequiredService<RunCoordinator>();
        var (runId, _) = StartFan(coordinator, 13, out var ends);

        // A try whose running record changed after its start (another execution took it over) ends as a stale delivery,
        // its join undecided: the swap changes nothing, and the end read first finds the record not its own.
        var taken = _host.Operations.GetRun(pipeline.Id, runId)!["W008"] with { Execution = "another" };
        Set(PipelineStore.TasksKey(pipeline.Id, runId), "W008", PipelineStore.Serialize(taken));
        Assert.Null(coordinator.CompleteTryTogether(pipeline, runId, ends["W008"](TryResult.Succeeded(TaskOutcome.Completed("1")))));
        var stale = _host.Operations.GetRun(pipeline.Id, runId)!["W008"];
        Assert.Equal(TaskState.Running, stale.State);
        Assert.Equal("another", stale.Execution);
        Assert.Null(Get(PipelineStore.TallyKey(pipeline.Id, runId), "Join"));
        Assert.Equal(TaskState.None, _host.Operations.GetRun(pipeline.Id, runId)!["Join"].State);

        // A failure under all_success decides the join (upstream_failed): not an end of counts alone, so a locked step.
        using var steps = MeasurementCounter.Steps(pipeline.Id);
        Assert.Equal(TaskState.Failed, coordinator.CompleteTryTogether(pipeline, runId, ends["W042"](TryResult.Failed("vendor file missing")))!.State);
        Assert.Equal(TaskState.UpstreamFailed, _host.Operations.GetRun(pipeline.Id, runId)!["Join"].State);
        Assert.Equal(1, steps.Count);

        // The next end expects its join undecided; it is not, so the swap changes nothing and the end reads, finds the join
        // decided and takes the locked step (with a decided downstream task, the run may end with it).
        using (var trips = new RoundTrips())
            Assert.True(trips.Of(() => Assert.Equal(TaskState.Success, coordinator.CompleteTryTogether(pipeline, runId, ends["W007"](TryResult.Succeeded(TaskOutcome.Completed("1"))))!.State)) > 1);
        Assert.Equal(2, steps.Count);

    }

    [Fact]
    public async Task A_fan_outs_hundred_ends_go_beside_the_runs_lock_and_one_step_queues_the_join_once()
    {
        var pipeline = Fan100.Definition;
        var coordinator = _host.Services.GetRequiredService<RunCoordinator>();
        var (runId, executions) = StartFan(coordinator, 10);
        Assert.All(executions.Values, e => Assert.NotNull(e));

        using var steps = MeasurementCounter.Steps(pipeline.Id);
        using var succeeded = MeasurementCounter.FinishedTasks(pipeline.Id, TaskState.Success);
        // Ten at a time, as ten workers end them.
        var finals = new System.Collections.Concurrent.ConcurrentDictionary<string, TaskInstance?>();
        await Parallel.ForEachAsync(executions, new ParallelOptions { MaxDegreeOfParallelism = 10 }, (pair, _) =>
        {
            finals[pair.Key] = coordinator.CompleteTryTogether(pipeline, runId, new EndedTry(pair.Key, 1, null, pair.Value, TryResult.Succeeded(TaskOutcome.Completed(pair.Key[1..]))));
            return ValueTask.CompletedTask;
        });
        steps.Dispose();
        succeeded.Dispose();

        // One locked step in all: the one that decided the join, once its counts were complete (the end whose addition
        // completed them asked for it, or that end saw them complete and took the step itself).
        Assert.Equal(1, steps.Count);
        // Yet each of the hundred tasks is reported finished, once (pipelines.task.finished), as a step reports the tasks it finishes.
        Assert.Equal(100, succeeded.Count);
        var run = _host.Operations.GetRun(pipeline.Id, runId)!;
        foreach (var (id, final) in finals)
        {
            Assert.Equal(TaskState.Success, final!.State);
            Assert.Equal(TaskState.Success, run[id].State);
            Assert.Equal(id[1..], _host.Operations.GetOutput(pipeline.Id, runId, id));
        }
        var join = run["Join"];
        Assert.Equal(TaskState.Queued, join.State);
        Assert.Equal(1, join.TryNumber);
        Assert.Single(join.JobIds);
        Assert.Equal(RunState.Running, run.State);
        // The counts as a step would count them: the join's hundred upstream tasks succeeded; Start and the hundred are finished.
        Assert.Equal("100,0,0,0", Get(PipelineStore.TallyKey(pipeline.Id, runId), "Join"));
        Assert.StartsWith("101@", Get(PipelineStore.RunKey(pipeline.Id, runId), RunRecord.FinishedTasksField));
    }

    [Fact]
    public async Task After_a_failed_end_fails_the_join_the_other_ends_take_the_locked_step_and_the_last_fails_the_run()
    {
        var pipeline = Fan100.Definition;
        var coordinator = _host.Services.GetRequiredService<RunCoordinator>();
        var (runId, executions) = StartFan(coordinator, 11);

        using var steps = MeasurementCounter.Steps(pipeline.Id);
        var failed = coordinator.CompleteTryTogether(pipeline, runId, new EndedTry("W042", 1, null, executions["W042"], TryResult.Failed("vendor file missing")));
        Assert.Equal(TaskState.Failed, failed!.State);
        // Airflow's all_success: a failed upstream task fails the join at once (upstream_failed), in the failure's step.
        Assert.Equal(TaskState.UpstreamFailed, _host.Operations.GetRun(pipeline.Id, runId)!["Join"].State);
        Assert.Equal(1, steps.Count);

        await Parallel.ForEachAsync(executions.Where(e => e.Key != "W042"), new ParallelOptions { MaxDegreeOfParallelism = 10 }, (pair, _) =>
        {
            Assert.Equal(TaskState.Success, coordinator.CompleteTryTogether(pipeline, runId, new EndedTry(pair.Key, 1, null, pair.Value, TryResult.Succeeded(TaskOutcome.Completed("1"))))!.State);
            return ValueTask.CompletedTask;
        });
        steps.Dispose();

        // The join is decided, so no end may leave the run's end to another: each is a locked step, the last ends the run.
        Assert.Equal(100, steps.Count);
        var run = _host.Operations.GetRun(pipeline.Id, runId)!;
        Assert.Equal(RunState.Failed, run.State);
        Assert.Equal(TaskState.UpstreamFailed, run["Join"].State);
        Assert.Equal(99, executions.Keys.Count(id => run[id].State == TaskState.Success));
    }
}
