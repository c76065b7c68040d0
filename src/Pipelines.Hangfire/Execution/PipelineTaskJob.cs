using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Hangfire;
using Hangfire.Server;
using Hangfire.States;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// The Hangfire job behind one try of one task. Its arguments are plain ids; the task's settings come from the
/// compiled pipeline definition. Hangfire's automatic retries are off for it: retries are the task's own, each a new job.
/// </summary>
public sealed partial class PipelineTaskJob
{
    private readonly PipelineRegistry _registry;
    private readonly RunCoordinator _coordinator;
    private readonly IServiceProvider _services;
    private readonly PipelinesOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly JobStorage _storage;

    internal PipelineTaskJob(PipelineRegistry registry, RunCoordinator coordinator, IServiceProvider services, PipelinesOptions options, ILoggerFactory loggers, JobStorage storage)
    {
        _registry = registry;
        _coordinator = coordinator;
        _services = services;
        _options = options;
        _loggers = loggers;
        _storage = storage;
    }

    /// <summary>
    /// Runs one try of a task. Hangfire calls this: <paramref name="task"/> names the try (pipeline id, run id, task id, try
    /// number; <see cref="TryJob"/> lays it out), and <paramref name="queue"/> routes the job, also when it is enqueued
    /// again from Hangfire's dashboard.
    /// </summary>
    /// <remarks>
    /// Synchronous on purpose: Hangfire runs a job method that returns a task on the thread pool
    /// (<see cref="BackgroundJobServerOptions.TaskScheduler"/>) and blocks its worker on it, while a void one runs on the
    /// worker's own thread. A try's coordination blocks (the run's lock, storage round trips), so as a task-returning job
    /// every busy worker held a pool thread, and a step holding the run's lock that needed a pool thread itself (Npgsql
    /// writes a batch's later statements on the pool when called synchronously) waited seconds behind the tries blocked on
    /// that lock, each on a pool thread, until the pool grew. Here the try's coordination runs on the worker's thread; the
    /// pool runs only the task's own asynchronous work and the try's periodic log and heartbeat writes, which take no lock.
    /// </remarks>
    [TryJobDisplayName]
    [Queue(TryJob.RunQueue)]
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public void Run(string[] task, string queue, PerformContext? context, CancellationToken cancellationToken)
    {
        var tryJob = TryJob.FromArguments(task, queue);
        RunTry(tryJob.PipelineId, tryJob.RunId, tryJob.TaskId, tryJob.TryNumber, context, cancellationToken);
    }

    /// <summary>
    /// Runs one try of a task, for a job stored in the layout before <see cref="Run"/> (one argument per id, and the
    /// logical date for its display name), which a server of this version may still find queued or retried.
    /// </summary>
    [TryJobDisplayName]
    [Queue(TryJob.ExecuteQueue)]
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void Execute(string pipelineId, string runId, string taskId, int tryNumber, string queue, string logicalDate, PerformContext? context, CancellationToken cancellationToken) =>
        RunTry(pipelineId, runId, taskId, tryNumber, context, cancellationToken);

    private void RunTry(string pipelineId, string runId, string taskId, int tryNumber, PerformContext? context, CancellationToken cancellationToken)
    {
        var pipeline = _registry.Get(pipelineId);
        // For an instance of a mapped task, taskId is its MapKey id (Load[2]): the task's settings are the mapped task's.
        var task = MapKey.Definition(pipeline, taskId);
        var jobId = context?.BackgroundJob?.Id;
        var serverId = context?.ServerId;

        TaskInstance? running;
        RunRecord? runRecord;
        try
        {
            if (_coordinator.BeginTry(pipeline, runId, taskId, tryNumber, jobId, serverId, cancellationToken, out var startRead) is not { } started) return;
            running = started;
            // Read with the start where the storage starts a try without the run's lock (PostgreSQL: the same round trip).
            runRecord = startRead ?? ReadRunRecord(pipeline.Id, runId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not global::Hangfire.Storage.DistributedLockTimeoutException
            && TryStorageUnavailableException.IsStorageFailure(ex))
        {
            // The start may have been written before the storage failed (its answer lost): the try is then running, and
            // its job ends with this exception, which tells the reconciler to run the same try again. A start not
            // written leaves the try waiting for a new job. A busy run lock is not this: nothing was written.
            throw new TryStorageUnavailableException($"The start of try {tryNumber} of '{taskId}' in run '{runId}' of pipeline '{pipeline.Id}' could not be recorded: {ex.Message}", ex);
        }

        var startedUtc = DateTime.UtcNow;
        var ran = Stopwatch.StartNew();
        // The try's span continues the run's trace, kept with the run, whichever server triggered it; the task's own
        // calls (HTTP, SQL) become its children through Activity.Current.
        using var span = PipelinesTelemetry.StartTry(pipeline.Id, runId, taskId, tryNumber, serverId, runRecord?.TraceParent);
        var queued = QueuedFor(context, startedUtc);
        // The first task in topological order is a root: its first try starting is the run's first task start. Only its
        // first job counts: a sensor's later pokes keep try 1 but each has a job of its own.
        if (task.Index == 0 && tryNumber == 1 && running.JobIds.Length == 1 && runRecord?.ScheduledAt is { } scheduledAt && running.Start is { } start)
            PipelinesTelemetry.ScheduleDelay.Record((start - scheduledAt).TotalSeconds, new KeyValuePair<string, object?>(PipelinesTelemetry.PipelineName, pipeline.Id));

        var log = new TaskLog(() => _loggers.CreateLogger($"Pipelines.{pipeline.Id}.{task.Id}"), _options.Clock, _storage, pipeline.Id, runId, taskId, tryNumber);
        var heartbeat = new TryHeartbeat(_storage, _options.Clock, pipeline.Id, runId, taskId, running.Execution ?? "");
        TryResult result;
        using (log.KeepWriting())
        using (var beating = heartbeat.KeepBeating(_options.TryHeartbeatInterval))
        {
            try
            {
                result = RunTryAsync(pipeline, task, MapKey.IndexOf(taskId), runId, runRecord, tryNumber, running.FirstPoke, log, cancellationToken).GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The server is shutting down: the try ends without a result, and its job is delivered again (to a server
                // that is up). Saying so lets that delivery start the try at once instead of waiting for silence; the beats
                // stop first, so none writes over it.
                beating.Dispose();
                heartbeat.Abandon();
                span?.SetStatus(ActivityStatusCode.Error, "the server stopped during the try");
                throw;
            }
            catch (TryStorageUnavailableException)
            {
                // Not the task's failure: the try ends without a result and is run again (the reconciler finds its
                // execution abandoned), rather than spending one of its tries on a database restart.
                beating.Dispose();
                heartbeat.Abandon();
                span?.SetStatus(ActivityStatusCode.Error, "the storage did not answer during the try");
                throw;
            }
        }
        // The log is written before the result, so a finished task's page shows its whole log. Keeping it never
        // throws: a log the storage refuses is lost, the result is not.
        if (log.Flush(final: true) is { } logError) LogNotKept(_loggers.CreateLogger<PipelineTaskJob>(), pipelineId, runId, taskId, logError);

        // The result is kept before its step waits for the run's lock (CompleteTryTogether: where the lock lives in this
        // process, in a step with the run's other tries that end meanwhile, which keeps their results in the step itself
        // when the lock is free and in one write before it waits when it is busy; elsewhere in the round trip that asks
        // for the lock). Nothing after a result is kept can change the outcome: a lock that stays busy, a storage failure
        // or a crash only delays the step that applies it (this job's, the redelivered job's, or the reconciler's), and a
        // crash before it is kept runs the try again. When that step fails otherwise, the result is kept on its own and
        // applied as before.
        TaskInstance? final = null;
        var applied = false;
        Exception? error = null;
        try
        {
            final = _coordinator.CompleteTryTogether(pipeline, runId, new EndedTry(taskId, tryNumber, jobId, running.Execution, result) { Started = running, Run = runRecord });
            applied = true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The lock stayed busy (DistributedLockTimeoutException) or the step failed: keep the result, then apply it as
            // before, which retries and logs what keeps failing. The result is already kept when the run's lock stayed
            // busy (it is kept before the wait); after any other failure it may not be.
            error = ex;
        }
        // Only a timeout of the run's own lock says the first call waited, after keeping the result (a storage whose
        // transaction takes locks of its own may time out before anything was kept).
        var waitedForRunLock = error is global::Hangfire.Storage.DistributedLockTimeoutException timedOut
            && timedOut.Resource == PipelineStore.RunLock(pipeline.Id, runId);
        if (!applied && !waitedForRunLock) KeepResult(pipeline.Id, runId, taskId, tryNumber, running.Execution, result, cancellationToken);
        // Two waits for the lock in all, a second apart: a first call that waited was the first (asking an in-process lock
        // without waiting is not one, nor a first call that failed otherwise). A lock stuck longer leaves the kept result
        // to the job delivered again or the reconciler.
        var attempts = waitedForRunLock ? 1 : 0;
        while (!applied)
        {
            if (attempts > 0)
            {
                if (attempts == 2 || cancellationToken.IsCancellationRequested)
                {
                    LogApplyLater(_loggers.CreateLogger<PipelineTaskJob>(), pipelineId, runId, taskId, tryNumber, error!);
                    break;
                }
                Thread.Sleep(TimeSpan.FromSeconds(1));
            }
            try
            {
                final = _coordinator.CompleteTry(pipeline, runId, taskId, tryNumber, jobId, running.Execution, result);
                applied = true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                error = ex;
                attempts++;
            }
        }

        ran.Stop();
        PipelinesTelemetry.TryEnded(span, pipeline.Id, taskId, result, final, ran.Elapsed, queued);

        // Hangfire shows each failed try as a failed job, with our reason.
        if (final is { State: TaskState.Failed or TaskState.UpForRetry } || (final is null && result.Error is not null))
            throw new PipelineTaskFailedException(pipelineId, runId, taskId, final?.Reason ?? result.Error ?? "failed");
    }

    /// <summary>Keeps the try's result in storage, retrying while the storage is unreachable (a database restart) for a few minutes.</summary>
    private void KeepResult(string pipelineId, string runId, string taskId, int tryNumber, string? execution, TryResult result, CancellationToken shutdown)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        var giveUp = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            try
            {
                RecordedResults.Record(_storage, pipelineId, runId, taskId, tryNumber, execution, result);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && DateTime.UtcNow < giveUp && !shutdown.IsCancellationRequested)
            {
                LogKeepRetried(_loggers.CreateLogger<PipelineTaskJob>(), pipelineId, runId, taskId, ex.Message);
                Thread.Sleep(delay);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The result of {Pipeline}.{Task} try {Try} in run {Run} is kept; applying it waits for the run's lock (the job delivered again or the reconciler will apply it)")]
    private static partial void LogApplyLater(ILogger logger, string pipeline, string run, string task, int @try, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Keeping the result of {Pipeline}.{Task} in run {Run} failed ({Error}); retrying")]
    private static partial void LogKeepRetried(ILogger logger, string pipeline, string run, string task, string error);

    private async Task<TryResult> RunTryAsync(PipelineDefinition pipeline, TaskDefinition task, int? mapIndex, string runId, RunRecord? runRecord, int tryNumber, Instant? firstPoke, TaskLog log, CancellationToken shutdown)
    {
        // A task with a timeout gets a token of its own; any other runs on the server's (one source fewer per try).
        using var timeout = task.Timeout is null ? null : CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        if (task.Timeout is { } limit) timeout!.CancelAfter(limit);
        var token = timeout?.Token ?? shutdown;

        try
        {
            var run = ReadContext(pipeline, task, runId, runRecord, tryNumber, log, mapIndex);
            var invocation = new TaskInvocation(run, _services, new StorageOutputs(_storage, pipeline, runId), _options.Serializer, token);
            var outcome = await pipeline.InvokeAsync(task, invocation).ConfigureAwait(false);
            if (task.Kind == TaskKind.Sensor && task.Sensor!.Mode == SensorMode.Poke)
            {
                // The timeout counts from the sensor's first poke, which a redelivered job (a restart) does not reset.
                var waitedFrom = firstPoke ?? _options.Clock.GetCurrentInstant();
                while (outcome.Result != true && _options.Clock.GetCurrentInstant() - waitedFrom < Duration.FromTimeSpan(task.Sensor.Timeout))
                {
                    await _options.Wait(task.Sensor.PokeInterval, token).ConfigureAwait(false);
                    outcome = await pipeline.InvokeAsync(task, invocation).ConfigureAwait(false);
                }
            }
            var succeeded = TryResult.Succeeded(outcome);
            // A copy: the task's view stays live, the result does not change after the try.
            return run.HasAssetExtra ? succeeded with { AssetExtra = new Dictionary<string, string>(run.AssetExtra, StringComparer.Ordinal) } : succeeded;
        }
        catch (TryStorageUnavailableException)
        {
            throw;
        }
        catch (OperationCanceledException) when (timeout is { IsCancellationRequested: true } && !shutdown.IsCancellationRequested && task.Timeout is { } limit2)
        {
            LogTryFailed(log, tryNumber, $"timed out after {limit2:c}", null);
            return TryResult.Failed($"timed out after {limit2:c}");
        }
        catch (Exception ex) when (!shutdown.IsCancellationRequested)
        {
            LogTryFailed(log, tryNumber, ex.GetType().Name, ex);
            return TryResult.Failed($"{ex.GetType().Name}: {ex.Message}") with { Exception = ex };
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Try {Try} failed: {Error}")]
    private static partial void LogTryFailed(ILogger logger, int @try, string error, Exception? exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The log of {Pipeline}.{Task} in run {Run} could not be kept")]
    private static partial void LogNotKept(ILogger logger, string pipeline, string run, string task, Exception exception);

    private RunRecord? ReadRunRecord(string pipelineId, string runId)
    {
        using var connection = _storage.GetConnection();
        return PipelineStore.ReadRunRecord(connection, pipelineId, runId);
    }

    /// <summary>
    /// How long the try's job waited: from when it became due (its creation, or for a retry or a poke, when its delay
    /// ended and Hangfire enqueued it) to the try's start. Read from the job's history only when someone collects it.
    /// </summary>
    private TimeSpan? QueuedFor(PerformContext? context, DateTime startedUtc)
    {
        if (!PipelinesTelemetry.QueuedDuration.Enabled || context?.BackgroundJob is not { } job) return null;
        var due = job.CreatedAt;
        try
        {
            if (_storage.GetMonitoringApi().JobDetails(job.Id)?.History is { } history)
                foreach (var state in history)
                    if (state.StateName == EnqueuedState.StateName && state.CreatedAt > due) due = state.CreatedAt;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Without the history the job's creation is the best guess.
        }
        return startedUtc - due;
    }

    private static RunContext ReadContext(PipelineDefinition pipeline, TaskDefinition task, string runId, RunRecord? run, int tryNumber, ILogger logger, int? mapIndex)
    {
        // The record was read (a storage that failed to answer threw): one without a logical date is not there.
        if (run?.LogicalDate is not { } logicalDate) throw new InvalidOperationException($"Run '{runId}' of pipeline '{pipeline.Id}' has no record with a logical date: was it deleted while its try was queued?");
        return new RunContext(pipeline.Id, runId, task.Id, logicalDate, run.DataInterval, tryNumber, run.Parameters, logger) { MapIndex = mapIndex };
    }

    private sealed class StorageOutputs(JobStorage storage, PipelineDefinition pipeline, string runId) : ITaskOutputSource
    {
        public string? GetOutputJson(string taskId)
        {
            string? json;
            var pipelineId = pipeline.Id;
            try
            {
                using var connection = storage.GetConnection();
                // A mapped task's output is its instances' outputs, gathered in map-index order (a reduce).
                json = pipeline.TryGetTask(taskId, out var upstream) && upstream.MapOver is not null
                    ? PipelineStore.GetMappedOutput(connection, pipelineId, runId, taskId)
                    : PipelineStore.GetOutput(connection, pipelineId, runId, taskId);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && TryStorageUnavailableException.IsStorageFailure(ex))
            {
                throw new TryStorageUnavailableException($"The output of '{taskId}' in run '{runId}' of pipeline '{pipelineId}' could not be read: {ex.Message}", ex);
            }
            return string.IsNullOrEmpty(json) ? null : json;
        }
    }
}

/// <summary>Thrown at the end of a failed try so Hangfire records the job as failed, with the task's reason.</summary>
public sealed class PipelineTaskFailedException(string pipelineId, string runId, string taskId, string reason)
    : Exception($"{pipelineId}.{taskId} in run {runId}: {reason}");
