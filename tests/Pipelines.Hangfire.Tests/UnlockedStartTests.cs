using System.Diagnostics.Metrics;
using global::Hangfire;
using global::Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// On PostgreSQL a try's start swaps its own record from waiting to running without taking the run's lock
/// (<see cref="IPipelineSwapStorage"/>, <see cref="UnlockedStart"/>): the swap changes only the value it read, waits while a
/// step holds the run's lock, and leaves no lock behind. Against a real PostgreSQL server.
/// </summary>
public sealed class UnlockedStartTests : IClassFixture<UnlockedStartTests.Database>
{
    private readonly string _connectionString;
    private readonly JobStorage _storage;

    public UnlockedStartTests(Database database)
    {
        _connectionString = database.ConnectionString;
        _storage = PipelineHost.PostgreSqlStorage(database.ConnectionString);
    }

    public sealed class Database() : PostgresDatabase("swap");

    private IPipelineSwapStorage Swap => Assert.IsAssignableFrom<IPipelineSwapStorage>(_storage);

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

    [Fact]
    public void A_swap_replaces_a_field_only_while_it_holds_the_value_read()
    {
        Set("swap:h", "t", "queued|1");
        Set("swap:h", "other", "x");

        Assert.False(Swap.TrySwapInHash("pipelines:test:swap-a", TimeSpan.FromSeconds(5), "swap:h", "t", "queued|0", "running|1"));
        Assert.Equal("queued|1", Get("swap:h", "t"));
        Assert.False(Swap.TrySwapInHash("pipelines:test:swap-a", TimeSpan.FromSeconds(5), "swap:h", "missing", "queued|1", "running|1"));
        Assert.Null(Get("swap:h", "missing"));

        Assert.True(Swap.TrySwapInHash("pipelines:test:swap-a", TimeSpan.FromSeconds(5), "swap:h", "t", "queued|1", "running|1"));
        Assert.Equal("running|1", Get("swap:h", "t"));
        Assert.Equal("x", Get("swap:h", "other"));
        // The value it replaced is gone: a second swap from it fails.
        Assert.False(Swap.TrySwapInHash("pipelines:test:swap-a", TimeSpan.FromSeconds(5), "swap:h", "t", "queued|1", "running|2"));
        Assert.Equal("running|1", Get("swap:h", "t"));
    }

    [Fact]
    public async Task A_swap_waits_while_the_lock_is_held_and_holds_no_lock_once_it_returns()
    {
        const string resource = "pipelines:test:swap-b";
        Set("swap:b", "t", "queued|1");
        var connection = _storage.GetConnection();
        var held = StorageLocks.Acquire(_storage, connection, resource, TimeSpan.FromSeconds(5));
        try
        {
            // Held by a step (another session of the same database) for longer than the swap may wait: nothing changes.
            Assert.Throws<DistributedLockTimeoutException>(() => Swap.TrySwapInHash(resource, TimeSpan.FromMilliseconds(200), "swap:b", "t", "queued|1", "running|1"));
            Assert.Equal("queued|1", Get("swap:b", "t"));

            // A swap that may wait longer goes ahead once the step released the lock, and not before.
            var released = 0;
            var swap = Task.Run(() => (Swapped: Swap.TrySwapInHash(resource, TimeSpan.FromSeconds(30), "swap:b", "t", "queued|1", "running|1"), ReleasedBefore: Volatile.Read(ref released) == 1));
            await Task.Delay(300);
            Assert.False(swap.IsCompleted);
            Assert.Equal("queued|1", Get("swap:b", "t"));
            Volatile.Write(ref released, 1);
            held.Dispose();
            var result = await swap;
            Assert.True(result.Swapped);
            Assert.True(result.ReleasedBefore);
        }
        finally
        {
            held.Dispose();
            connection.Dispose();
        }

        // The swap's shared hold ended with its transaction: a step takes the lock at once.
        using (var again = _storage.GetConnection())
        using (StorageLocks.Acquire(_storage, again, resource, TimeSpan.Zero)) { }
        Assert.Equal("running|1", Get("swap:b", "t"));
    }

    [Fact]
    public async Task A_try_starts_without_the_run_lock_and_a_start_waits_for_a_step_holding_it()
    {
        await using var host = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(_connectionString), new[] { Linear.Definition },
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
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument == PipelinesTelemetry.LockWait || instrument == PipelinesTelemetry.StepDuration) l.EnableMeasurementEvents(instrument);
            };
            listener.SetMeasurementEventCallback<double>((instrument, _, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (instrument == PipelinesTelemetry.LockWait && tag.Key == PipelinesTelemetry.LockKind && Equals(tag.Value, "run")) Interlocked.Increment(ref runLockWaits);
                    if (instrument == PipelinesTelemetry.StepDuration && tag.Key == PipelinesTelemetry.PipelineName && Equals(tag.Value, "linear")) Interlocked.Increment(ref steps);
                }
            });
            listener.Start();
            var jobId = host.Operations.GetRun("linear", free)!["Extract"].JobIds[^1];
            var running = coordinator.BeginTry(Linear.Definition, free, "Extract", 1, jobId, "test");
            Assert.NotNull(running);
            Assert.Equal(TaskState.Running, running.State);
        }
        Assert.Equal(0, runLockWaits);
        Assert.Equal(0, steps);
        var stored = host.Operations.GetRun("linear", free)!["Extract"];
        Assert.Equal(TaskState.Running, stored.State);
        Assert.Equal("test", stored.Server);
        Assert.Equal("Running try 1 on test.", stored.Reason);
        Assert.Single(stored.JobIds);

        // A start that must not go ahead (its task is not queued yet) is judged under the lock, and changes nothing.
        Assert.Null(coordinator.BeginTry(Linear.Definition, free, "Transform", 1, "999999", "test"));
        Assert.Equal(TaskState.None, host.Operations.GetRun("linear", free)!["Transform"].State);

        // The blocked run's start goes ahead once the step released the lock.
        Assert.NotNull(coordinator.BeginTry(Linear.Definition, blocked, "Extract", 1, queued.JobIds[^1], "test"));
        Assert.Equal(TaskState.Running, host.Operations.GetRun("linear", blocked)!["Extract"].State);
    }
}
