using System.Diagnostics.Metrics;
using global::Hangfire;
using global::Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// On PostgreSQL and in memory a try's start swaps its own record from waiting to running without taking the run's lock
/// (<see cref="StorageLocks.SwapsOf"/>, <see cref="UnlockedStart"/>): the swap changes only the value it read, waits while
/// a step holds the run's lock, keeps steps out until it ends, and leaves no lock behind. Against a real PostgreSQL server,
/// and Hangfire.InMemory's storage with the process's locks (<see cref="ProcessSwaps"/>).
/// </summary>
public abstract class UnlockedStartTests
{
    private readonly JobStorage _storage;
    private readonly Func<JobStorage> _hostStorage;

    private UnlockedStartTests(JobStorage storage, Func<JobStorage> hostStorage)
    {
        _storage = storage;
        _hostStorage = hostStorage;
    }

    public sealed class Database() : PostgresDatabase("swap");

    public sealed class OnPostgreSql(Database database)
        : UnlockedStartTests(PipelineHost.PostgreSqlStorage(database.ConnectionString), () => PipelineHost.PostgreSqlStorage(database.ConnectionString)), IClassFixture<Database>
    {
        private IPipelineConditionalSwapStorage Conditional => Assert.IsAssignableFrom<IPipelineConditionalSwapStorage>(_storage);

        private bool SwapIf(string resource, TimeSpan timeout, string expected, string value, string? guard, out IReadOnlyDictionary<string, Dictionary<string, string>> read) =>
            Conditional.SwapIf(resource, timeout, null, new HashFieldWrite("swapif:h", "t", value), expected, new[] { new HashFieldCondition("swapif:g", "p", HashFieldTest.Equals, guard) },
                [], [], new[] { "swapif:whole" }, new[] { new KeyValuePair<string, string>("swapif:g", "p") }, out read) is not null;

        [Fact]
        public void A_conditional_swap_replaces_a_field_only_while_it_and_its_guard_hold_the_values_expected_and_reads_after_it()
        {
            Set("swapif:h", "t", "queued|1");
            Set("swapif:whole", "a", "1");
            Set("swapif:whole", "b", "2");

            // The guard's field is absent: expecting a value for it, or another value of the field, changes nothing.
            Assert.False(SwapIf("pipelines:test:swapif-a", TimeSpan.FromSeconds(5), "queued|1", "running|1", "active", out var read));
            Assert.Equal("queued|1", Get("swapif:h", "t"));
            Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, read["swapif:whole"]);
            Assert.False(read.ContainsKey("swapif:g"));
            Assert.False(SwapIf("pipelines:test:swapif-a", TimeSpan.FromSeconds(5), "queued|0", "running|1", null, out _));
            Assert.Equal("queued|1", Get("swapif:h", "t"));

            // Both as expected (the guard absent, as expected): swapped.
            Assert.True(SwapIf("pipelines:test:swapif-a", TimeSpan.FromSeconds(5), "queued|1", "running|1", null, out _));
            Assert.Equal("running|1", Get("swapif:h", "t"));

            // The guard set meanwhile (a pause written): a swap that expected it absent changes nothing, and reads it.
            Set("swapif:h", "t", "queued|2");
            Set("swapif:g", "p", "paused");
            Assert.False(SwapIf("pipelines:test:swapif-a", TimeSpan.FromSeconds(5), "queued|2", "running|2", null, out read));
            Assert.Equal("queued|2", Get("swapif:h", "t"));
            Assert.Equal("paused", read["swapif:g"]["p"]);
            Assert.True(SwapIf("pipelines:test:swapif-a", TimeSpan.FromSeconds(5), "queued|2", "running|2", "paused", out _));
            Assert.Equal("running|2", Get("swapif:h", "t"));
        }

        [Fact]
        public async Task A_conditional_swap_waits_for_a_step_and_judges_what_it_committed_and_a_busy_lock_changes_nothing()
        {
            const string resource = "pipelines:test:swapif-b";
            Set("swapif:h", "t", "queued|1");
            var holder = _storage.GetConnection();
            var held = StorageLocks.Acquire(_storage, holder, resource, TimeSpan.FromSeconds(5));
            try
            {
                // A step holds the lock longer than the swap may wait: nothing is changed.
                Assert.Throws<DistributedLockTimeoutException>(() => SwapIf(resource, TimeSpan.FromMilliseconds(200), "queued|1", "running|1", null, out _));
                Assert.Equal("queued|1", Get("swapif:h", "t"));

                // A swap that may wait longer goes on once the step committed: the step changed the record, so it changes nothing.
                var waiting = Task.Run(() => SwapIf(resource, TimeSpan.FromSeconds(30), "queued|1", "running|1", null, out _));
                await Task.Delay(300);
                Assert.False(waiting.IsCompleted);
                var step = StorageWrites.Begin(_storage, holder, held);
                step.SetRangeInHash("swapif:h", new Dictionary<string, string> { ["t"] = "queued|2" });
                step.Commit();
                held.Dispose();
                Assert.False(await waiting);
                Assert.Equal("queued|2", Get("swapif:h", "t"));
            }
            finally
            {
                held.Dispose();
                holder.Dispose();
            }
        }

        [Fact]
        public async Task A_start_expecting_the_record_its_step_queued_takes_one_round_trip_and_one_whose_record_or_pause_changed_reads_them_first()
        {
            await using var host = await PipelineHost.StartAsync(_hostStorage(), new[] { Linear.Definition });
            var coordinator = host.Services.GetRequiredService<RunCoordinator>();
            var runs = Enumerable.Range(1, 4).Select(day => host.Operations.Trigger("linear", new LocalDate(2024, 9, day), queue: "held")).ToArray();
            string JobOf(string runId) => host.Operations.GetRun("linear", runId)!["Extract"].JobIds[^1];

            using var roundTrips = new RoundTrips();
            TaskInstance? Begin(string runId, string jobId, out RunRecord? run, out int trips, out IReadOnlyList<string> sent)
            {
                RunRecord? read = null;
                TaskInstance? started = null;
                trips = roundTrips.Of(() => started = coordinator.BeginTry(Linear.Definition, runId, "Extract", 1, jobId, "test", default, out read), out sent);
                run = read;
                return started;
            }

            // The first start has not read the pause yet: it reads the record and the pause, then swaps.
            Assert.NotNull(Begin(runs[0], JobOf(runs[0]), out _, out var trips, out var sent));
            Assert.Equal(2, trips);
            Assert.DoesNotContain("IS NOT DISTINCT FROM", sent[0]);

            // The next expects the record its step queued and the pause as read: one round trip, which also reads the run.
            var running = Begin(runs[1], JobOf(runs[1]), out var runRead, out trips, out sent);
            Assert.Equal(1, trips);
            Assert.Contains("IS NOT DISTINCT FROM", sent[0]);
            Assert.NotNull(running);
            var stored = host.Operations.GetRun("linear", runs[1])!["Extract"];
            Assert.Equal(TaskState.Running, stored.State);
            Assert.Equal("Running try 1 on test.", stored.Reason);
            Assert.Equal(running.Execution, stored.Execution);
            using (var connection = host.Storage.GetConnection())
                Assert.Equal(connection.GetAllEntriesFromHash(PipelineStore.RunKey("linear", runs[1])), runRead!.Fields);

            // The record changed after its step (a newer job was queued for the try elsewhere): the old job's start, which
            // the record it expected would let through, finds the stored one and does not start.
            var oldJob = JobOf(runs[2]);
            using (var connection = host.Storage.GetConnection())
            using (var transaction = connection.CreateWriteTransaction())
            {
                var queued = PipelineStore.ParseTask("Extract", connection.GetAllEntriesFromHash(PipelineStore.TasksKey("linear", runs[2]))["Extract"]);
                transaction.SetRangeInHash(PipelineStore.TasksKey("linear", runs[2]),
                    new Dictionary<string, string> { ["Extract"] = PipelineStore.Serialize(queued with { JobIds = queued.JobIds.Add("999999") }) });
                transaction.Commit();
            }
            Assert.Null(Begin(runs[2], oldJob, out _, out trips, out sent));
            // It tried the one round trip first (the conditional swap's guard, which compares the pause), and was refused.
            Assert.True(trips > 2);
            Assert.Contains("IS NOT DISTINCT FROM", sent[0]);
            var stale = host.Operations.GetRun("linear", runs[2])!["Extract"];
            Assert.Equal(TaskState.Queued, stale.State);
            Assert.Equal("999999", stale.JobIds[^1]);

            // The pipeline paused after the last start read its pause: the start finds it and does not start.
            Assert.True(host.Operations.Pause("linear"));
            Assert.Null(Begin(runs[3], JobOf(runs[3]), out _, out trips, out sent));
            Assert.True(trips > 2);
            Assert.Contains("IS NOT DISTINCT FROM", sent[0]);
            Assert.Equal(TaskState.Queued, host.Operations.GetRun("linear", runs[3])!["Extract"].State);
        }
    }

    public sealed class InMemory() : UnlockedStartTests(PipelineHost.InMemoryStorage(), PipelineHost.InMemoryStorage);

    private IPipelineSwapStorage Swap => Assert.IsAssignableFrom<IPipelineSwapStorage>(StorageLocks.SwapsOf(_storage));

    private void Set(string key, string field, string value)
    {
        using var connection = _storage.GetConnection();
        using var transaction = connection.CreateWriteTransaction();
        transaction.SetRangeInHash(key, new Dictionary<string, string> { [field] = value });
        transaction.Commit();
    }

    private string? Get(string key, string field)
    {
        using var connection = _storage.GetConnection();
        return ((JobStorageConnection)connection).GetValueFromHash(key, field);
    }

    private IPipelineSwap Begin(string resource, TimeSpan timeout, string key, string field, out string? value)
    {
        var swap = Swap.BeginSwap(resource, timeout, Array.Empty<string>(), new[] { new KeyValuePair<string, string>(key, field), new(key, "missing") }, out var read);
        Assert.False(read.TryGetValue(key, out var fields) && fields.ContainsKey("missing"));
        value = fields?.GetValueOrDefault(field);
        return swap;
    }

    [Fact]
    public void A_swap_replaces_a_field_only_while_it_holds_the_value_read()
    {
        Set("swap:h", "t", "queued|1");
        Set("swap:h", "other", "x");

        using (var swap = Begin("pipelines:test:swap-a", TimeSpan.FromSeconds(5), "swap:h", "t", out var read))
        {
            Assert.Equal("queued|1", read);
            Assert.False(swap.Swap("swap:h", "t", "queued|0", "running|1"));
        }
        Assert.Equal("queued|1", Get("swap:h", "t"));

        using (var swap = Begin("pipelines:test:swap-a", TimeSpan.FromSeconds(5), "swap:h", "t", out _))
            Assert.True(swap.Swap("swap:h", "t", "queued|1", "running|1"));
        Assert.Equal("running|1", Get("swap:h", "t"));
        Assert.Equal("x", Get("swap:h", "other"));

        // Another delivery of the same job swaps the record between this one's read and its swap: this one changes nothing.
        using (var swap = Begin("pipelines:test:swap-a", TimeSpan.FromSeconds(5), "swap:h", "t", out var read))
        {
            Assert.Equal("running|1", read);
            using (var other = Begin("pipelines:test:swap-a", TimeSpan.FromSeconds(5), "swap:h", "t", out _))
                Assert.True(other.Swap("swap:h", "t", "running|1", "running|2"));
            Assert.False(swap.Swap("swap:h", "t", "running|1", "running|3"));
        }
        Assert.Equal("running|2", Get("swap:h", "t"));

        // A swap disposed without swapping changes nothing.
        using (Begin("pipelines:test:swap-a", TimeSpan.FromSeconds(5), "swap:h", "t", out _)) { }
        Assert.Equal("running|2", Get("swap:h", "t"));

        // Whole hashes asked for come with the fields, in the same read; a hash the storage does not hold is absent.
        Set("swap:whole", "a", "1");
        Set("swap:whole", "b", "2");
        using (Swap.BeginSwap("pipelines:test:swap-a", TimeSpan.FromSeconds(5), new[] { "swap:whole", "swap:none" },
                   new[] { new KeyValuePair<string, string>("swap:h", "t") }, out var both))
        {
            Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }, both["swap:whole"]);
            Assert.Equal(new Dictionary<string, string> { ["t"] = "running|2" }, both["swap:h"]);
            Assert.False(both.ContainsKey("swap:none"));
        }
    }

    [Fact]
    public async Task A_swap_waits_for_a_step_reads_what_it_committed_and_keeps_steps_out_until_it_ends()
    {
        const string resource = "pipelines:test:swap-b";
        Set("swap:b", "t", "queued|1");
        bool StepCanLock()
        {
            using var connection = _storage.GetConnection();
            try
            {
                using (StorageLocks.Acquire(_storage, connection, resource, TimeSpan.Zero)) return true;
            }
            catch (DistributedLockTimeoutException)
            {
                return false;
            }
        }

        var holder = _storage.GetConnection();
        var held = StorageLocks.Acquire(_storage, holder, resource, TimeSpan.FromSeconds(5));
        try
        {
            // A step holds the lock longer than the swap may wait: nothing is read or changed.
            Assert.Throws<DistributedLockTimeoutException>(() => Begin(resource, TimeSpan.FromMilliseconds(200), "swap:b", "t", out _));

            // A swap that may wait longer reads once the step committed and released the lock, and reads what it committed.
            var waiting = Task.Run(() => (Swap: Begin(resource, TimeSpan.FromSeconds(30), "swap:b", "t", out var read), Read: read));
            await Task.Delay(300);
            Assert.False(waiting.IsCompleted);
            var step = StorageWrites.Begin(_storage, holder, held);
            step.SetRangeInHash("swap:b", new Dictionary<string, string> { ["t"] = "queued|2" });
            step.Commit();
            held.Dispose();
            var (swap, read) = await waiting;
            Assert.Equal("queued|2", read);

            // Until the swap ends, no step takes the lock; then one does at once.
            Assert.False(StepCanLock());
            Assert.True(swap.Swap("swap:b", "t", "queued|2", "running|2"));
            Assert.True(StepCanLock());
            Assert.Equal("running|2", Get("swap:b", "t"));
        }
        finally
        {
            held.Dispose();
            holder.Dispose();
        }
    }

    [Fact]
    public async Task A_try_starts_without_the_run_lock_and_a_start_waits_for_a_step_holding_it_and_a_paused_pipeline_starts_nothing()
    {
        await using var host = await PipelineHost.StartAsync(_hostStorage(), new[] { Linear.Definition },
            configure: o => o.LockTimeout = TimeSpan.FromSeconds(1));
        var coordinator = host.Services.GetRequiredService<RunCoordinator>();
        // Both runs' jobs go to a queue no server here reads: the test starts the tries itself.
        var blocked = host.Operations.Trigger("linear", new LocalDate(2024, 8, 1), queue: "held");
        var free = host.Operations.Trigger("linear", new LocalDate(2024, 8, 2), queue: "held");

        // A step of the first run holds its lock: the start neither swaps beside it nor runs; it waits for the lock.
        var queued = host.Operations.GetRun("linear", blocked)!["Extract"];
        Assert.Equal(TaskState.Queued, queued.State);
        using (var connection = host.Storage.GetConnection())
        using (StorageLocks.Acquire(host.Storage, connection, PipelineStore.RunLock("linear", blocked), TimeSpan.FromSeconds(5)))
        {
            await Assert.ThrowsAsync<DistributedLockTimeoutException>(() => Task.Run(() => coordinator.BeginTry(Linear.Definition, blocked, "Extract", 1, queued.JobIds[^1], "test")));
            Assert.Equal(TaskState.Queued, host.Operations.GetRun("linear", blocked)!["Extract"].State);
        }

        // With the lock free, the other run's start takes no lock at all (no wait for it, no step), and writes the running try.
        var runLockWaits = 0;
        var steps = 0;
        // Measurements are recorded on the thread that takes the lock or makes the step: only this test's own count.
        var testThread = Environment.CurrentManagedThreadId;
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument == PipelinesTelemetry.LockWait || instrument == PipelinesTelemetry.StepDuration) l.EnableMeasurementEvents(instrument);
            };
            listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
            {
                if (Environment.CurrentManagedThreadId != testThread) return;
                foreach (var tag in tags)
                {
                    if (instrument == PipelinesTelemetry.LockWait && tag.Key == PipelinesTelemetry.LockKind && Equals(tag.Value, "run")) Interlocked.Increment(ref runLockWaits);
                    if (instrument == PipelinesTelemetry.StepDuration && tag.Key == PipelinesTelemetry.PipelineName && Equals(tag.Value, "linear")) Interlocked.Increment(ref steps);
                }
            });
            listener.Start();
            var jobId = host.Operations.GetRun("linear", free)!["Extract"].JobIds[^1];
            var running = coordinator.BeginTry(Linear.Definition, free, "Extract", 1, jobId, "test", default, out var runRead);
            Assert.NotNull(running);
            Assert.Equal(TaskState.Running, running.State);
            // The run's record comes with the start's read (the try needs it next), as stored.
            using var connection = host.Storage.GetConnection();
            Assert.Equal(connection.GetAllEntriesFromHash(PipelineStore.RunKey("linear", free)), runRead!.Fields);
            Assert.Equal(new LocalDate(2024, 8, 2), runRead.LogicalDate);
        }
        Assert.Equal(0, runLockWaits);
        Assert.Equal(0, steps);
        var stored = host.Operations.GetRun("linear", free)!["Extract"];
        Assert.Equal(TaskState.Running, stored.State);
        Assert.Equal("test", stored.Server);
        Assert.Equal("Running try 1 on test.", stored.Reason);
        Assert.Single(stored.JobIds);

        // A start that must not go ahead (its task is not queued yet) is judged under the lock, and changes nothing.
        Assert.Null(coordinator.BeginTry(Linear.Definition, free, "Transform", 1, "999999", "test", default, out var notRead));
        Assert.Null(notRead);
        Assert.Equal(TaskState.None, host.Operations.GetRun("linear", free)!["Transform"].State);

        // The blocked run's start goes ahead once the step released the lock.
        Assert.NotNull(coordinator.BeginTry(Linear.Definition, blocked, "Extract", 1, queued.JobIds[^1], "test"));
        Assert.Equal(TaskState.Running, host.Operations.GetRun("linear", blocked)!["Extract"].State);

        // A paused pipeline's queued task does not start (the start is judged on the pause read after the last step), and starts once unpaused.
        var third = host.Operations.Trigger("linear", new LocalDate(2024, 8, 3), queue: "held");
        var job = host.Operations.GetRun("linear", third)!["Extract"].JobIds[^1];
        Assert.True(host.Operations.Pause("linear"));
        Assert.Null(coordinator.BeginTry(Linear.Definition, third, "Extract", 1, job, "test"));
        Assert.Equal(TaskState.Queued, host.Operations.GetRun("linear", third)!["Extract"].State);
        Assert.True(host.Operations.Unpause("linear"));
        var newest = host.Operations.GetRun("linear", third)!["Extract"].JobIds[^1];
        Assert.NotNull(coordinator.BeginTry(Linear.Definition, third, "Extract", 1, newest, "test"));
    }
}
