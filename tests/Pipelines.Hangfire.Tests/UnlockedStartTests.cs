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
        : UnlockedStartTests(PipelineHost.PostgreSqlStorage(database.ConnectionString), () => PipelineHost.PostgreSqlStorage(database.ConnectionString)), IClassFixture<Database>;

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
