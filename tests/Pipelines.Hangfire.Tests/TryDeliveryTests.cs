using global::Hangfire;
using global::Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Npgsql;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// A try's job may be delivered twice (a crash, an operator's requeue), and the run's lock may be busy or held by a
/// server that died. Nothing of that may run a try twice at once, or change its outcome.
/// </summary>
public sealed class TryDeliveryTests
{
    private static Task Until(Func<bool> condition) => PostgreSqlRunLockTests.Until(condition);

    private static void Fast(PipelinesOptions o)
    {
        o.TryHeartbeatInterval = TimeSpan.FromMilliseconds(200);
        o.TryLivenessTimeout = TimeSpan.FromSeconds(2);
    }

    [Fact]
    public async Task A_running_trys_job_requeued_by_hand_does_not_run_the_try_again()
    {
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Gated.Definition }, configure: Fast);
        host.Effects.Flags["hold"] = 1;
        var runId = host.Operations.Trigger("gated", new LocalDate(2024, 7, 1));
        await Until(() => host.Effects.Count(runId, "Work") == 1);
        var jobId = Assert.Single(host.Operations.GetRun("gated", runId)!["Work"].JobIds);

        // An operator presses "Requeue" on the running job in Hangfire's dashboard: a second worker gets the same job.
        Assert.True(new BackgroundJobClient(host.Storage).Requeue(jobId));
        var monitoring = host.Storage.GetMonitoringApi();
        await Until(() => monitoring.JobDetails(jobId).History.Count(h => h.StateName == ProcessingState.StateName) >= 2);
        await Until(() => monitoring.JobDetails(jobId).History[0].StateName == SucceededState.StateName);

        Assert.Equal(1, host.Effects.Count(runId, "Work"));
        Assert.Equal(TaskState.Running, host.Operations.GetRun("gated", runId)!["Work"].State);
        host.Effects.Flags["hold"] = 0;
        var run = await host.WaitAsync("gated", runId);
        Assert.Equal(RunState.Success, run.State);
        Assert.Equal(1, host.Effects.Count(runId, "Work"));
    }

    [Fact]
    public async Task Only_the_newest_job_of_a_queued_try_may_start_it()
    {
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Linear.Definition }, configure: Fast);
        var run = await host.RunAsync("linear");
        var coordinator = host.Services.GetRequiredService<RunCoordinator>();
        // The reconciler re-enqueued Load (job-2) after its first job (job-1) looked lost; then job-1 shows up after all.
        coordinator.Update(Linear.Definition, run.RunId, work =>
        {
            work.RunState = RunState.Running;
            work.Set(work["Load"] with { State = TaskState.Queued, TryNumber = 2, JobIds = System.Collections.Immutable.ImmutableArray.Create("job-1", "job-2") });
            return true;
        }, CascadeScope.None);

        Assert.Null(coordinator.BeginTry(Linear.Definition, run.RunId, "Load", 2, "job-1", "server-a"));
        var started = coordinator.BeginTry(Linear.Definition, run.RunId, "Load", 2, "job-2", "server-b");
        Assert.NotNull(started);
        Assert.Equal("server-b", started!.Server);
        Assert.NotNull(started.Execution);
    }

    [Fact]
    public async Task A_redelivered_job_runs_its_try_again_only_when_the_running_execution_is_silent()
    {
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Linear.Definition }, configure: Fast);
        var run = await host.RunAsync("linear");
        var coordinator = host.Services.GetRequiredService<RunCoordinator>();
        var options = host.Services.GetRequiredService<PipelinesOptions>();
        void Running(string execution) => coordinator.Update(Linear.Definition, run.RunId, work =>
        {
            work.RunState = RunState.Running;
            work.Set(work["Load"] with { State = TaskState.Running, TryNumber = 3, Start = work.Now, Server = "server-a", Execution = execution, JobIds = System.Collections.Immutable.ImmutableArray.Create("job-3") });
            return true;
        }, CascadeScope.None);

        // Alive: its execution keeps beating, so the second delivery is a duplicate and does nothing.
        Running("alive");
        using (new TryHeartbeat(host.Storage, options.Clock, "linear", run.RunId, "Load", "alive").KeepBeating(TimeSpan.FromMilliseconds(100)))
        {
            Assert.Null(coordinator.BeginTry(Linear.Definition, run.RunId, "Load", 3, "job-3", "server-b"));
        }
        Assert.Equal("alive", host.Operations.GetRun("linear", run.RunId)!["Load"].Execution);

        // Silent (its server was killed): the second delivery runs the try again, as a new execution.
        Running("killed");
        var again = coordinator.BeginTry(Linear.Definition, run.RunId, "Load", 3, "job-3", "server-b");
        Assert.NotNull(again);
        Assert.NotEqual("killed", again!.Execution);
        Assert.StartsWith("Running try 3 again on server-b: its execution on server-a stopped without a result.", again.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redelivered_job_whose_try_kept_its_result_applies_it_without_running_again()
    {
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Linear.Definition }, configure: Fast);
        var run = await host.RunAsync("linear", new LocalDate(2024, 7, 2));
        var coordinator = host.Services.GetRequiredService<RunCoordinator>();
        // The server recorded Load's result, then died before the step that applies it.
        coordinator.Update(Linear.Definition, run.RunId, work =>
        {
            work.RunState = RunState.Running;
            work.Set(work["Load"] with { State = TaskState.Running, TryNumber = 1, Start = work.Now, Execution = "e1", JobIds = System.Collections.Immutable.ImmutableArray.Create("job-9") });
            return true;
        }, CascadeScope.None);
        RecordedResults.Record(host.Storage, "linear", run.RunId, "Load", 1, "e1", TryResult.Succeeded(TaskOutcome.Completed("42")));

        Assert.Null(coordinator.BeginTry(Linear.Definition, run.RunId, "Load", 1, "job-9", "server-b"));
        var after = host.Operations.GetRun("linear", run.RunId)!;
        Assert.Equal(TaskState.Success, after["Load"].State);
        Assert.Equal(RunState.Success, after.State);
        Assert.Equal("42", host.Operations.GetOutput("linear", run.RunId, "Load"));
        Assert.Equal(1, host.Effects.Count(run.RunId, "Load"));
    }

    /// <summary>
    /// The database restarted while Load's try read what it needed (an upstream output): the try threw
    /// <see cref="TryStorageUnavailableException"/>, its heartbeat could not be written, and Hangfire's worker failed the
    /// job once the database was back. Load did not fail: the reconciler runs the same try again, not a new one.
    /// </summary>
    [Fact]
    public async Task A_try_whose_job_ended_because_the_storage_did_not_answer_runs_again_as_the_same_try()
    {
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Linear.Definition }, configure: Fast);
        var run = await host.RunAsync("linear", new LocalDate(2024, 7, 3));
        var coordinator = host.Services.GetRequiredService<RunCoordinator>();
        var jobId = FailedTryJob(host, run.RunId, new TryStorageUnavailableException($"The output of 'Transform' in run '{run.RunId}' of pipeline 'linear' could not be read."));
        LoadRunningAndSilent(coordinator, run.RunId, jobId);

        // Read from the reconciler's own step: the new job may start the try at once.
        var step = coordinator.Reconcile(Linear.Definition, run.RunId);
        Assert.NotNull(step);
        Assert.Equal(new PendingJob("Load", 1, null), Assert.Single(step!.Jobs));
        var queued = step["Load"];
        Assert.Equal(TaskState.Running, queued.State);
        Assert.StartsWith($"Re-enqueued by the reconciler: try 1's job {jobId} ended without a result because the storage did not answer; the try runs again.", queued.Reason, StringComparison.Ordinal);
        var after = await host.WaitAsync("linear", run.RunId);

        Assert.Equal(RunState.Success, after.State);
        var load = after["Load"];
        Assert.Equal(TaskState.Success, load.State);
        Assert.Equal(1, load.TryNumber);
        Assert.Equal(2, load.JobIds.Length);
        Assert.Equal(jobId, load.JobIds[0]);
        Assert.NotEqual("lost", load.Execution);
        Assert.Equal(2, host.Effects.Count(run.RunId, "Load"));
    }

    /// <summary>
    /// The whole way, on a real server: Load's start was written, then the storage stopped answering as its try read the
    /// run's record (a database restart between two round trips). The try throws before the task's code runs, Hangfire
    /// fails its job with <see cref="TryStorageUnavailableException"/>, and the reconciler, once the try is silent, runs
    /// the same try again on a new job: Load succeeds as try 1, and its code ran once.
    /// </summary>
    [Fact]
    public async Task A_try_whose_start_was_written_before_the_storage_stopped_answering_runs_again_as_the_same_try()
    {
        const string runId = "storage-lost";
        var runKey = PipelineStore.RunKey("linear", runId);
        var tasksKey = PipelineStore.TasksKey("linear", runId);
        var armed = 1;
        // Once: the first read of the run's record on a Hangfire worker's thread once Load's record says it is running,
        // which is the try reading its run (the start step itself reads only Load's record and the pause).
        var storage = new UnansweringStorage(PipelineHost.InMemoryStorage(), (connection, key) =>
            key == runKey && Thread.CurrentThread.Name?.StartsWith("Worker", StringComparison.Ordinal) == true
            && connection.GetValueFromHash(tasksKey, "Load") is { } load && PipelineStore.StateOf(load) == TaskState.Running
            && Interlocked.Exchange(ref armed, 0) == 1);
        await using var host = await PipelineHost.StartAsync(storage, new[] { Linear.Definition }, configure: Fast);
        var coordinator = host.Services.GetRequiredService<RunCoordinator>();
        host.Operations.Trigger("linear", new LocalDate(2024, 7, 5), runId: runId);

        var firstJob = await Poll.UntilAsync(() => host.Operations.GetRun("linear", runId)!["Load"].JobIds.FirstOrDefault(), id => id is not null, "Load's first job");
        await Poll.UntilAsync(() => host.Storage.GetMonitoringApi().JobDetails(firstJob)?.History.FirstOrDefault()?.StateName == FailedState.StateName, "Load's first job to fail");
        var failed = host.Storage.GetMonitoringApi().JobDetails(firstJob)!.History[0];
        Assert.Equal(typeof(TryStorageUnavailableException).FullName, failed.Data["ExceptionType"]);
        Assert.StartsWith($"The start of try 1 of 'Load' in run '{runId}' of pipeline 'linear' could not be recorded: Reading '{runKey}' failed", failed.Data["ExceptionMessage"], StringComparison.Ordinal);
        var abandoned = host.Operations.GetRun("linear", runId)!["Load"];
        Assert.Equal(TaskState.Running, abandoned.State);
        Assert.Equal(0, host.Effects.Count(runId, "Load"));

        // The reconciler's passes, as its process makes them: the try is silent for the liveness timeout, then runs again.
        var after = await Poll.UntilAsync(() =>
        {
            try
            {
                coordinator.Reconcile(Linear.Definition, runId);
            }
            catch (global::Hangfire.Storage.DistributedLockTimeoutException)
            {
                // A run whose lock is busy is left to the next pass, as the reconciler's process does.
            }
            return host.Operations.GetRun("linear", runId)!;
        }, run => run.State.IsFinished(), "the run to finish after the reconciler's passes");

        Assert.Equal(RunState.Success, after.State);
        var loaded = after["Load"];
        Assert.Equal(TaskState.Success, loaded.State);
        Assert.Equal(1, loaded.TryNumber);
        Assert.Equal(2, loaded.JobIds.Length);
        Assert.Equal(firstJob, loaded.JobIds[0]);
        Assert.NotEqual(abandoned.Execution, loaded.Execution);
        Assert.Equal(1, host.Effects.Count(runId, "Load"));
    }

    /// <summary>
    /// The control: a job that ended without a result for any other reason (its worker threw outside the task's code) is
    /// a task instance Airflow calls a zombie, and fails (Load has no retries left to use).
    /// </summary>
    [Fact]
    public async Task A_try_whose_job_ended_without_a_result_for_another_reason_fails()
    {
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Linear.Definition }, configure: Fast);
        var run = await host.RunAsync("linear", new LocalDate(2024, 7, 4));
        var coordinator = host.Services.GetRequiredService<RunCoordinator>();
        var jobId = FailedTryJob(host, run.RunId, new InvalidOperationException("the worker's process ran out of memory"));
        LoadRunningAndSilent(coordinator, run.RunId, jobId);

        coordinator.Reconcile(Linear.Definition, run.RunId);
        var after = host.Operations.GetRun("linear", run.RunId)!;

        Assert.Equal(RunState.Failed, after.State);
        Assert.Equal(TaskState.Failed, after["Load"].State);
        Assert.Contains($"its job {jobId} ended (Failed) without recording a result", after["Load"].Reason, StringComparison.Ordinal);
        Assert.Single(after["Load"].JobIds);
        Assert.Equal(1, host.Effects.Count(run.RunId, "Load"));
    }

    /// <summary>
    /// A storage that answers the reconciler but never the try (an upstream output too large to read within the
    /// database's command timeout) would run it again at every pass: after <see cref="RunReconciliation.StorageRunsLimit"/>
    /// of its jobs in a row, the try fails. Only the current try's jobs count: a retry follows a try the storage may
    /// have ended too.
    /// </summary>
    [Fact]
    public async Task A_try_the_storage_ended_five_jobs_in_a_row_fails()
    {
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Linear.Definition }, configure: Fast);
        var coordinator = host.Services.GetRequiredService<RunCoordinator>();
        string StorageEnded(string runId, int tryNumber) => FailedTryJob(host, runId, new TryStorageUnavailableException($"The output of 'Transform' in run '{runId}' of pipeline 'linear' could not be read."), tryNumber);

        var stuck = await host.RunAsync("linear", new LocalDate(2024, 7, 6));
        var earlier = Enumerable.Range(0, 4).Select(_ => StorageEnded(stuck.RunId, 1)).ToArray();
        var last = StorageEnded(stuck.RunId, 1);
        LoadRunningAndSilent(coordinator, stuck.RunId, last, 1, earlier);
        var step = coordinator.Reconcile(Linear.Definition, stuck.RunId);

        Assert.Empty(step!.Jobs);
        var failed = host.Operations.GetRun("linear", stuck.RunId)!;
        Assert.Equal(RunState.Failed, failed.State);
        Assert.Equal(TaskState.Failed, failed["Load"].State);
        Assert.Contains($"its last 5 jobs (the last {last}) each ended without a result because the storage did not answer the try, while it answered the reconciler; the try is not run a 6th time", failed["Load"].Reason, StringComparison.Ordinal);

        // Four of try 2's jobs, after one of try 1's: four in a row, so try 2 runs again.
        var retried = await host.RunAsync("linear", new LocalDate(2024, 7, 7));
        var before = new[] { StorageEnded(retried.RunId, 1) }.Concat(Enumerable.Range(0, 3).Select(_ => StorageEnded(retried.RunId, 2))).ToArray();
        LoadRunningAndSilent(coordinator, retried.RunId, StorageEnded(retried.RunId, 2), 2, before);
        step = coordinator.Reconcile(Linear.Definition, retried.RunId);

        Assert.Equal(new PendingJob("Load", 2, null), Assert.Single(step!.Jobs));
        Assert.Equal(TaskState.Running, step["Load"].State);
    }

    /// <summary>
    /// Only the storage not answering is a try abandoned to run again: anything else (a record that does not parse, a
    /// mistake) would fail the same way at every reconciler pass, so it fails the try.
    /// </summary>
    [Fact]
    public void Only_the_storage_not_answering_abandons_a_try()
    {
        Assert.True(TryStorageUnavailableException.IsStorageFailure(new NpgsqlException("Exception while reading from stream")));
        Assert.True(TryStorageUnavailableException.IsStorageFailure(new InvalidOperationException("wrapped", new System.IO.IOException("connection reset"))));
        Assert.True(TryStorageUnavailableException.IsStorageFailure(new TimeoutException("Timeout during reading attempt")));
        Assert.False(TryStorageUnavailableException.IsStorageFailure(new System.Text.Json.JsonException("'x' is an invalid start of a value.")));
        Assert.False(TryStorageUnavailableException.IsStorageFailure(new KeyNotFoundException("Pipeline 'linear' has no run 'r'.")));
    }

    /// <summary>Load's job for try <paramref name="tryNumber"/>, failed by Hangfire with <paramref name="error"/> as its worker fails a job whose method threw it.</summary>
    private static string FailedTryJob(PipelineHost host, string runId, Exception error, int tryNumber = 1) =>
        new BackgroundJobClient(host.Storage).Create(new TryJob("linear", runId, "Load", tryNumber, "loads").ToJob(), new FailedState(error));

    /// <summary>
    /// The run back to running with Load's try <paramref name="tryNumber"/> running on the last of <paramref name="jobIds"/>,
    /// started a minute ago and never heard from since.
    /// </summary>
    private static void LoadRunningAndSilent(RunCoordinator coordinator, string runId, string jobId, int tryNumber = 1, params string[] earlierJobIds) =>
        coordinator.Update(Linear.Definition, runId, work =>
        {
            work.RunState = RunState.Running;
            work.RunStateChanged = true;
            work.Set(work["Load"] with
            {
                State = TaskState.Running, TryNumber = tryNumber, Start = work.Now - Duration.FromMinutes(1), End = null, Server = "server-a", Execution = "lost",
                JobIds = System.Collections.Immutable.ImmutableArray.Create(earlierJobIds).Add(jobId),
            });
            return true;
        });
}

/// <summary>On PostgreSQL, the run's lock is an advisory lock: freed when its holder dies, and never a reason for a failed try.</summary>
public sealed class PostgreSqlRunLockTests
{
    [Fact]
    public async Task A_run_lock_whose_holder_died_is_free_at_once()
    {
        var database = PostgresServer.CreateDatabase("lockdeath");
        try
        {
            await using var host = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(database), new[] { Linear.Definition }, configure: o => o.LockTimeout = TimeSpan.FromSeconds(1));
            var run = await host.RunAsync("linear", new LocalDate(2024, 7, 3));
            var coordinator = host.Services.GetRequiredService<RunCoordinator>();

            // Another server holds the run's lock...
            var holder = await HoldAdvisoryLock(database, PipelineStore.RunLock("linear", run.RunId));
            await Assert.ThrowsAsync<global::Hangfire.Storage.DistributedLockTimeoutException>(() => Task.Run(() => coordinator.Update(Linear.Definition, run.RunId, _ => true)));

            // ...and dies (its connection is gone, as when its process is killed): the lock is free at once, not after minutes.
            // The bound is the lock's own: a step that found it still held would time out after the second LockTimeout
            // gives it (a wall-clock bound on the whole step also timed its round trips, and failed on a loaded machine).
            await Terminate(database, holder);
            Assert.NotNull(coordinator.Update(Linear.Definition, run.RunId, _ => true));
        }
        finally
        {
            PostgresServer.DropDatabase(database);
        }
    }

    [Fact]
    public async Task A_try_that_succeeded_is_never_recorded_failed_because_the_run_lock_was_busy()
    {
        var database = PostgresServer.CreateDatabase("lockbusy");
        try
        {
            await using var host = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(database), new[] { Gated.Definition }, configure: o =>
            {
                o.LockTimeout = TimeSpan.FromSeconds(1);
                o.ReconcilerLockTimeout = TimeSpan.FromMilliseconds(200);
            });
            host.Effects.Flags["hold"] = 1;
            var runId = host.Operations.Trigger("gated", new LocalDate(2024, 7, 4));
            await Until(() => host.Effects.Count(runId, "Work") == 1);

            // Work succeeds while another holder keeps the run's lock longer than the job waits for it.
            var holder = await HoldAdvisoryLock(database, PipelineStore.RunLock("gated", runId));
            host.Effects.Flags["hold"] = 0;
            var jobId = host.Operations.GetRun("gated", runId)!["Work"].JobIds[^1];
            var monitoring = host.Storage.GetMonitoringApi();
            await Until(() => monitoring.JobDetails(jobId).History[0].StateName == SucceededState.StateName || monitoring.JobDetails(jobId).History[0].StateName == FailedState.StateName);
            Assert.Equal(SucceededState.StateName, monitoring.JobDetails(jobId).History[0].StateName);

            // The reconciler does not wait on the busy run, and does not fail the try.
            var reconciler = host.Services.GetRequiredService<PipelineReconciler>();
            reconciler.Run();
            Assert.Equal(TaskState.Running, host.Operations.GetRun("gated", runId)!["Work"].State);

            // The lock frees: the next pass applies the kept result.
            await holder.DisposeAsync();
            reconciler.Run();
            var run = await host.WaitAsync("gated", runId);
            Assert.Equal(RunState.Success, run.State);
            Assert.Equal(TaskState.Success, run["Work"].State);
            Assert.Equal(1, run["Work"].TryNumber);
            Assert.Equal(1, host.Effects.Count(runId, "Work"));
        }
        finally
        {
            PostgresServer.DropDatabase(database);
        }
    }

    private static async Task<NpgsqlConnection> HoldAdvisoryLock(string database, string resource)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended(@r, 0))", connection);
        command.Parameters.AddWithValue("r", resource);
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    private static async Task Terminate(string database, NpgsqlConnection holder)
    {
        await using var admin = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString);
        await admin.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT pg_terminate_backend(@pid)", admin);
        command.Parameters.AddWithValue("pid", holder.ProcessID);
        await command.ExecuteNonQueryAsync();
        await holder.DisposeAsync().AsTask().ContinueWith(_ => { });
    }

    internal static async Task Until(Func<bool> condition, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not hold in time.");
            await Task.Delay(20);
        }
    }
}
