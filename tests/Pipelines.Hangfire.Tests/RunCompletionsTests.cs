using global::Hangfire;
using global::Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// Tries of one run that end on one server while a step of the run is under way are applied together, in one step
/// (<see cref="RunCompletions"/>): the combining itself (who leads, what a batch holds, a failure reaching every try of its
/// batch, the hand-off at the commit, nothing left behind), and on a real host ten tries ending while the run's lock is
/// held: in memory two steps, not ten, each try applied as on its own; on PostgreSQL, where a database's lock queue does
/// this work, one step each, every result kept while it waits.
/// </summary>
public sealed class RunCompletionsTests
{
    private static EndedTry End(string taskId) => new(taskId, 1, null, null, TryResult.Succeeded(TaskOutcome.Completed(null)));

    private static TaskInstance Done(string taskId) => TaskInstance.Fresh(taskId) with { State = TaskState.Success };

    [Fact]
    public async Task A_lone_end_is_applied_at_once_and_those_that_arrive_during_its_step_make_the_next_step_together()
    {
        var completions = new RunCompletions();
        var batches = new List<string[]>();
        using var firstInStep = new ManualResetEventSlim();
        using var releaseFirst = new ManualResetEventSlim();
        TaskInstance?[] Step(IReadOnlyList<EndedTry> ends, Action<TaskInstance?[]> committed)
        {
            lock (batches) batches.Add(ends.Select(e => e.TaskId).ToArray());
            if (ends.Any(e => e.TaskId == "A"))
            {
                firstInStep.Set();
                releaseFirst.Wait();
            }
            // "C" was stale: the step passes it over.
            var finals = ends.Select(e => e.TaskId == "C" ? null : Done(e.TaskId)).ToArray();
            committed(finals);
            return finals;
        }

        var first = Task.Run(() => completions.Apply("run:1", End("A"), Step));
        firstInStep.Wait(TimeSpan.FromSeconds(10));
        var others = new[] { "B", "C", "D" }.Select(id => Task.Run(() => completions.Apply("run:1", End(id), Step))).ToArray();
        await Poll.UntilAsync(() => completions.Waiting("run:1") == 3, "the three ends to wait for the first step");
        // Another run's end is not held up by this run's step.
        Assert.Equal("Z", completions.Apply("run:2", End("Z"), Step)!.TaskId);
        releaseFirst.Set();

        Assert.Equal("A", (await first)!.TaskId);
        var results = await Task.WhenAll(others);
        Assert.Equal(new[] { "B", null, "D" }, results.Select(r => r?.TaskId));
        Assert.All(results.Where(r => r is not null), r => Assert.Equal(TaskState.Success, r!.State));
        // Z's batch sits between the two of run:1; run:1's second step held all three.
        Assert.Equal(3, batches.Count);
        Assert.Equal(new[] { "A" }, batches[0]);
        Assert.Equal(new[] { "B", "C", "D" }, batches.Single(b => b.Contains("B")).OrderBy(id => id));
        Assert.Equal(0, completions.ActiveRuns);
    }

    [Fact]
    public async Task A_step_that_fails_fails_every_end_of_its_batch_and_the_next_batch_still_gets_its_own_step()
    {
        var completions = new RunCompletions();
        using var firstInStep = new ManualResetEventSlim();
        using var releaseFirst = new ManualResetEventSlim();
        var steps = 0;
        TaskInstance?[] Step(IReadOnlyList<EndedTry> ends, Action<TaskInstance?[]> committed)
        {
            Interlocked.Increment(ref steps);
            if (ends.Any(e => e.TaskId == "A"))
            {
                firstInStep.Set();
                releaseFirst.Wait();
            }
            // B's batch fails before it commits (its lock stayed busy).
            if (ends.Any(e => e.TaskId == "B")) throw new DistributedLockTimeoutException("pipelines:run:x");
            var finals = ends.Select(e => Done(e.TaskId)).ToArray();
            committed(finals);
            return finals;
        }

        var first = Task.Run(() => completions.Apply("run:1", End("A"), Step));
        firstInStep.Wait(TimeSpan.FromSeconds(10));
        var failing = new[] { "B", "C" }.Select(id => Task.Run(() => completions.Apply("run:1", End(id), Step))).ToArray();
        await Poll.UntilAsync(() => completions.Waiting("run:1") == 2, "B and C to wait for the first step");
        releaseFirst.Set();

        Assert.Equal("A", (await first)!.TaskId);
        foreach (var task in failing)
        {
            var error = await Assert.ThrowsAsync<DistributedLockTimeoutException>(() => task);
            Assert.Equal("pipelines:run:x", error.Resource);
        }
        Assert.Equal(2, steps);
        // Nothing of the failed batch stays queued: the next end is applied in a step of its own.
        Assert.Equal("D", completions.Apply("run:1", End("D"), Step)!.TaskId);
        Assert.Equal(3, steps);
        Assert.Equal(0, completions.ActiveRuns);
    }

    [Fact]
    public async Task Once_a_step_committed_its_batch_goes_on_and_the_next_step_runs_while_its_leader_does_the_work_after_it()
    {
        var completions = new RunCompletions();
        using var beforeCommit = new ManualResetEventSlim();
        using var afterCommit = new ManualResetEventSlim();
        using var inStep = new ManualResetEventSlim();
        using var committedA = new ManualResetEventSlim();
        TaskInstance?[] Step(IReadOnlyList<EndedTry> ends, Action<TaskInstance?[]> committed)
        {
            var finals = ends.Select(e => Done(e.TaskId)).ToArray();
            if (ends.Any(e => e.TaskId == "A"))
            {
                inStep.Set();
                beforeCommit.Wait();
                committed(finals);
                committedA.Set();
                // The work after the step (slots, waiting runs, events): the others need not wait for it.
                afterCommit.Wait();
                return finals;
            }
            committed(finals);
            return finals;
        }

        var first = Task.Run(() => completions.Apply("run:1", End("A"), Step));
        inStep.Wait(TimeSpan.FromSeconds(10));
        var inBatch = Task.Run(() => completions.Apply("run:1", End("B"), Step));
        await Poll.UntilAsync(() => completions.Waiting("run:1") == 1, "B to wait for A's step");
        beforeCommit.Set();
        committedA.Wait(TimeSpan.FromSeconds(10));

        // B led the next step once A's committed, and C, arriving after, leads one of its own, both while A's leader is
        // still busy after its step.
        Assert.Equal("B", (await inBatch.WaitAsync(TimeSpan.FromSeconds(10)))!.TaskId);
        Assert.Equal("C", completions.Apply("run:1", End("C"), Step)!.TaskId);
        Assert.False(first.IsCompleted);
        afterCommit.Set();
        Assert.Equal("A", (await first)!.TaskId);
        Assert.Equal(0, completions.ActiveRuns);
    }

    public abstract class OnHost : IAsyncLifetime
    {
        private PipelineHost _host = null!;
        private readonly bool _locksInProcess;

        private protected OnHost(bool locksInProcess) => _locksInProcess = locksInProcess;

        protected abstract JobStorage CreateStorage();

        public async Task InitializeAsync()
        {
            _host = await PipelineHost.StartAsync(CreateStorage(), new[] { Fan100.Definition });
            // The reconciler's minute pass would make steps of its own (and apply kept results): the test counts steps.
            _host.Services.GetRequiredService<IRecurringJobManager>().RemoveIfExists(PipelinesStartup.ReconcilerJobId);
        }

        public async Task DisposeAsync() => await _host.DisposeAsync();

        [Fact]
        public async Task Ten_tries_that_end_while_the_runs_lock_is_held_are_applied_in_two_steps_in_memory_and_beside_the_lock_on_a_database()
        {
            // The run's jobs go to a queue no server here reads; the test starts and ends the tries itself.
            var pipeline = Fan100.Definition;
            var runId = _host.Operations.Trigger(pipeline.Id, new NodaTime.LocalDate(2024, 6, 8), queue: "held");
            var coordinator = _host.Services.GetRequiredService<RunCoordinator>();
            var start = coordinator.BeginTry(pipeline, runId, "Start", 1, null, "test")!;
            coordinator.CompleteTry(pipeline, runId, "Start", 1, null, start.Execution, TryResult.Succeeded(TaskOutcome.Completed("7")));
            var workers = Enumerable.Range(0, 10).Select(i => $"W{i:000}").ToArray();
            var executions = workers.ToDictionary(id => id, id => coordinator.BeginTry(pipeline, runId, id, 1, null, "test")!.Execution);
            // W009's try was run again elsewhere meanwhile: its end here is stale and must change nothing.
            var stale = "W009";

            using var steps = MeasurementCounter.Steps(pipeline.Id);

            var runKey = PipelineStore.RunLock(pipeline.Id, runId);
            Task<TaskInstance?>[] ends;
            using (var connection = _host.Storage.GetConnection())
            using (StorageLocks.Acquire(_host.Storage, connection, runKey, TimeSpan.FromSeconds(10)))
            {
                Task<TaskInstance?> EndOf(string id) => Task.Run(() => coordinator.CompleteTryTogether(pipeline, runId,
                    new EndedTry(id, 1, null, id == stale ? "another-execution" : executions[id], TryResult.Succeeded(TaskOutcome.Completed(int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture).ToString(System.Globalization.CultureInfo.InvariantCulture))))));
                var leader = EndOf(workers[0]);
                if (_locksInProcess)
                {
                    // The first end leads and waits for the lock; the other nine wait for its step.
                    await Poll.UntilAsync(() => coordinator.Completions.ActiveRuns == 1 && coordinator.Completions.Waiting(runKey) == 0, "the first end to lead");
                    ends = new[] { leader }.Concat(workers.Skip(1).Select(EndOf)).ToArray();
                    await Poll.UntilAsync(() => coordinator.Completions.Waiting(runKey) == 9, "nine ends to wait for the first one's step");
                    // The leader's result is kept while it waits, once it found the lock busy: it keeps its batch's.
                    var kept = await Poll.UntilAsync(() => RecordedResults.Read(connection, pipeline.Id, runId, workers[0]), r => r is not null, "W000's result to be kept");
                    Assert.Equal(1, kept!.TryNumber);
                }
                else
                {
                    // Each end waits for the database's lock itself (shared, beside the other ends: UnlockedEnd), its result kept
                    // in the round trip that asks for it.
                    ends = new[] { leader }.Concat(workers.Skip(1).Select(EndOf)).ToArray();
                    await Poll.UntilAsync(() => workers.Count(id => RecordedResults.Read(connection, pipeline.Id, runId, id) is not null), n => n == 10, "the ten results to be kept");
                    Assert.Equal(0, coordinator.Completions.ActiveRuns);
                }
                Assert.Equal(0, steps.Count);
            }

            var finals = await Task.WhenAll(ends);
            steps.Dispose();
            // In memory the leader's step, then one for the nine; on a database none: each end changed only its own record
            // and the join's counts, beside the others (the stale one's locked step changes nothing).
            Assert.Equal(_locksInProcess ? 2 : 0, steps.Count);
            Assert.Equal(0, coordinator.Completions.ActiveRuns);
            var run = _host.Operations.GetRun(pipeline.Id, runId)!;
            for (var i = 0; i < 9; i++)
            {
                Assert.Equal(TaskState.Success, finals[i]!.State);
                Assert.Equal(TaskState.Success, run[workers[i]].State);
                Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), _host.Operations.GetOutput(pipeline.Id, runId, workers[i]));
            }
            Assert.Null(finals[9]);
            Assert.Equal(TaskState.Running, run[stale].State);
            Assert.Equal(TaskState.Queued, run["W010"].State);
            Assert.Equal(TaskState.None, run["Join"].State);
            // The nine after the first: kept first on PostgreSQL, and in memory applied by a step that found the lock free,
            // which keeps them in itself.
            using var read = _host.Storage.GetConnection();
            Assert.Equal(_locksInProcess ? 0 : 9, workers.Skip(1).Count(id => RecordedResults.Read(read, pipeline.Id, runId, id) is not null));
        }
    }

    public sealed class InMemory() : OnHost(locksInProcess: true)
    {
        protected override JobStorage CreateStorage() => PipelineHost.InMemoryStorage();
    }

    public sealed class Database() : PostgresDatabase("completions");

    public sealed class OnPostgreSql(Database database) : OnHost(locksInProcess: false), IClassFixture<Database>
    {
        protected override JobStorage CreateStorage() => PipelineHost.PostgreSqlStorage(database.ConnectionString);
    }
}
