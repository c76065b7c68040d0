using Microsoft.Extensions.DependencyInjection;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// Where a try's result goes when the try ends: on the in-memory storage, whose locks live in the process, applied at once
/// by the step that keeps it when the run's lock is free; otherwise (a busy lock, or a database's lock, which costs a
/// round trip to ask) kept first (on PostgreSQL in the round trip that asks for the lock), so that waiting for the lock, a
/// storage failure or a crash cannot change or lose it, and applied once the lock is free. On the in-memory storage and on
/// PostgreSQL (advisory locks).
/// </summary>
public sealed class ResultKeepingTests
{
    [Theory]
    [InlineData(StorageKind.InMemory)]
    [InlineData(StorageKind.PostgreSql)]
    public Task A_try_that_ends_while_its_runs_lock_is_busy_keeps_its_result_and_applies_it_when_the_lock_is_free(StorageKind kind) =>
        WithHostAsync(kind, async host =>
    {
        var runId = host.Operations.Trigger("held_result", new NodaTime.LocalDate(2024, 7, 2));
        await Poll.UntilAsync(() => host.Effects.Count(runId, "Hold", "entered") == 1, "Hold to start");

        using (var connection = host.Storage.GetConnection())
        using (StorageLocks.Acquire(host.Storage, connection, PipelineStore.RunLock("held_result", runId), TimeSpan.FromSeconds(10)))
        {
            host.Effects.Flags[runId] = 1;
            var kept = await Poll.UntilAsync(() => RecordedResults.Read(connection, "held_result", runId, "Hold"), r => r is not null, "Hold's result to be kept while the lock is held");
            Assert.Equal(1, kept!.TryNumber);
            Assert.Null(kept.Result.Error);
            Assert.Equal(TaskState.Running, host.Operations.GetRun("held_result", runId)!["Hold"].State);
        }

        var run = await host.WaitAsync("held_result", runId);
        Assert.Equal(RunState.Success, run.State);
        Assert.Equal(1, host.Effects.Count(runId, "Hold", "entered"));
        Assert.Equal(1, host.Effects.Count(runId, "Next", "42"));
    });

    [Theory]
    [InlineData(StorageKind.InMemory)]
    [InlineData(StorageKind.PostgreSql)]
    public Task A_try_applies_its_result_without_keeping_it_apart_only_where_the_runs_lock_is_in_the_process(StorageKind kind) =>
        WithHostAsync(kind, async host =>
    {
        var locksInProcess = kind == StorageKind.InMemory;
        var runId = host.Operations.Trigger("held_result", new NodaTime.LocalDate(2024, 7, 2));
        await Poll.UntilAsync(() => host.Effects.Count(runId, "Hold", "entered") == 1, "Hold to start");
        host.Effects.Flags[runId] = 1;

        var run = await host.WaitAsync("held_result", runId);
        Assert.Equal(RunState.Success, run.State);
        Assert.Equal(1, host.Effects.Count(runId, "Next", "42"));
        using var connection = host.Storage.GetConnection();
        if (locksInProcess)
        {
            Assert.Null(RecordedResults.Read(connection, "held_result", runId, "Hold"));
            Assert.Null(RecordedResults.Read(connection, "held_result", runId, "Next"));
        }
        else
        {
            Assert.Equal(1, RecordedResults.Read(connection, "held_result", runId, "Hold")?.TryNumber);
            Assert.Equal(1, RecordedResults.Read(connection, "held_result", runId, "Next")?.TryNumber);
        }
    });

    [Theory]
    [InlineData(StorageKind.InMemory)]
    [InlineData(StorageKind.PostgreSql)]
    public Task A_try_whose_runs_lock_stays_busy_waits_for_it_twice_then_leaves_its_kept_result_to_the_reconciler(StorageKind kind) =>
        WithHostAsync(kind, async host =>
    {
        // The reconciler's own minute pass would wait for the held lock too, and be counted: the test runs it itself.
        host.Services.GetRequiredService<global::Hangfire.IRecurringJobManager>().RemoveIfExists(PipelinesStartup.ReconcilerJobId);
        var runId = host.Operations.Trigger("held_result", new NodaTime.LocalDate(2024, 7, 3));
        await Poll.UntilAsync(() => host.Effects.Count(runId, "Hold", "entered") == 1, "Hold to start");
        var holdJob = host.Operations.GetRun("held_result", runId)!["Hold"].JobIds[^1];

        // Waits for this pipeline's run locks that timed out, as an operator's meter sees them.
        long timeouts = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument == PipelinesTelemetry.LockTimeouts) l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? lockKind = null, pipeline = null;
            foreach (var tag in tags)
            {
                if (tag.Key == PipelinesTelemetry.LockKind) lockKind = tag.Value as string;
                if (tag.Key == PipelinesTelemetry.PipelineName) pipeline = tag.Value as string;
            }
            if (lockKind == "run" && pipeline == "held_result") Interlocked.Add(ref timeouts, value);
        });
        listener.Start();

        using (var connection = host.Storage.GetConnection())
        using (StorageLocks.Acquire(host.Storage, connection, PipelineStore.RunLock("held_result", runId), TimeSpan.FromSeconds(10)))
        {
            host.Effects.Flags[runId] = 1;
            // The try gives up after its second wait (a second apart) and its job ends; the task is still running, its
            // result kept. A third wait would have run into the lock's release below.
            await Poll.UntilAsync(() => connection.GetJobData(holdJob)?.State, s => s == "Succeeded", "Hold's job to end", TimeSpan.FromSeconds(30));
            Assert.Equal(2, Interlocked.Read(ref timeouts));
            Assert.Equal(TaskState.Running, host.Operations.GetRun("held_result", runId)!["Hold"].State);
            Assert.Equal(1, RecordedResults.Read(connection, "held_result", runId, "Hold")?.TryNumber);
        }

        host.Services.GetRequiredService<PipelineReconciler>().Run();
        var run = await host.WaitAsync("held_result", runId);
        Assert.Equal(RunState.Success, run.State);
        Assert.Equal(1, host.Effects.Count(runId, "Hold", "entered"));
        Assert.Equal(1, host.Effects.Count(runId, "Next", "42"));
        Assert.Equal(2, Interlocked.Read(ref timeouts));
    }, o => o.LockTimeout = TimeSpan.FromSeconds(1));

    /// <summary>Runs <paramref name="test"/> on a host of <see cref="HeldResult"/> on the storage, in a database of its own on PostgreSQL (dropped after).</summary>
    private static async Task WithHostAsync(StorageKind kind, Func<PipelineHost, Task> test, Action<PipelinesOptions>? configure = null)
    {
        var database = kind == StorageKind.PostgreSql ? PostgresServer.CreateDatabase("result") : null;
        try
        {
            var storage = database is null ? PipelineHost.InMemoryStorage() : PipelineHost.PostgreSqlStorage(database);
            await using var host = await PipelineHost.StartAsync(storage, new[] { HeldResult.Definition }, configure: configure);
            await test(host);
        }
        finally
        {
            if (database is not null) PostgresServer.DropDatabase(database);
        }
    }
}
