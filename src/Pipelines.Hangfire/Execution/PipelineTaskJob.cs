using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Threading;
using System.Threading.Tasks;
using Hangfire;
using Hangfire.Server;
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

    /// <summary>Runs one try of a task. Hangfire calls this; the queue and logical date arguments are for routing and display.</summary>
    [JobDisplayName("{0}.{2} [{5}]")]
    [DisplayName("{0}.{2} [{5}]")]
    [Queue("{4}")]
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    public async Task Execute(string pipelineId, string runId, string taskId, int tryNumber, string queue, string logicalDate, PerformContext? context, CancellationToken cancellationToken)
    {
        var pipeline = _registry.Get(pipelineId);
        var task = pipeline[taskId];
        var jobId = context?.BackgroundJob?.Id;
        var serverId = context?.ServerId;

        if (_coordinator.BeginTry(pipeline, runId, taskId, tryNumber, jobId, serverId) is not { } running) return;

        var log = new TaskLog(_loggers.CreateLogger($"Pipelines.{pipeline.Id}.{task.Id}"), _options.Clock, _storage, pipeline.Id, runId, taskId, tryNumber);
        TryResult result;
        using (var stopWriting = new CancellationTokenSource())
        {
            var writing = log.KeepWritingAsync(stopWriting.Token);
            try
            {
                result = await RunTryAsync(pipeline, task, runId, tryNumber, running.FirstPoke, log, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await stopWriting.CancelAsync().ConfigureAwait(false);
                await writing.ConfigureAwait(false);
            }
        }
        // The log is written before the result, so a finished task's page shows its whole log. Keeping it never
        // throws: a log the storage refuses is lost, the result is not.
        if (log.Flush(final: true) is { } logError) LogNotKept(_loggers.CreateLogger<PipelineTaskJob>(), pipelineId, runId, taskId, logError);

        // Recording the result is idempotent (a second completion of the same try changes nothing), so a lock timeout or
        // a storage blip is retried here; if it still fails, the reconciler finds the task running with an ended job.
        TaskInstance? final = null;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                final = _coordinator.CompleteTry(pipeline, runId, taskId, tryNumber, jobId, result);
                break;
            }
            catch (Exception) when (attempt < 3 && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt), CancellationToken.None).ConfigureAwait(false);
            }
        }

        // Hangfire shows each failed try as a failed job, with our reason.
        if (final is { State: TaskState.Failed or TaskState.UpForRetry })
            throw new PipelineTaskFailedException(pipelineId, runId, taskId, final.Reason ?? result.Error ?? "failed");
    }

    private async Task<TryResult> RunTryAsync(PipelineDefinition pipeline, TaskDefinition task, string runId, int tryNumber, Instant? firstPoke, TaskLog log, CancellationToken shutdown)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(shutdown);
        if (task.Timeout is { } limit) timeout.CancelAfter(limit);

        try
        {
            var run = ReadContext(pipeline, task, runId, tryNumber, log);
            var invocation = new TaskInvocation(run, _services, new StorageOutputs(_storage, pipeline.Id, runId), _options.Serializer, timeout.Token);
            var outcome = await pipeline.InvokeAsync(task, invocation).ConfigureAwait(false);
            if (task.Kind == TaskKind.Sensor && task.Sensor!.Mode == SensorMode.Poke)
            {
                // The timeout counts from the sensor's first poke, which a redelivered job (a restart) does not reset.
                var waitedFrom = firstPoke ?? _options.Clock.GetCurrentInstant();
                while (outcome.Result != true && _options.Clock.GetCurrentInstant() - waitedFrom < Duration.FromTimeSpan(task.Sensor.Timeout))
                {
                    await Task.Delay(task.Sensor.PokeInterval, timeout.Token).ConfigureAwait(false);
                    outcome = await pipeline.InvokeAsync(task, invocation).ConfigureAwait(false);
                }
            }
            return TryResult.Succeeded(outcome);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !shutdown.IsCancellationRequested && task.Timeout is { } limit2)
        {
            LogTryFailed(log, tryNumber, $"timed out after {limit2:c}", null);
            return TryResult.Failed($"timed out after {limit2:c}");
        }
        catch (Exception ex) when (!shutdown.IsCancellationRequested)
        {
            LogTryFailed(log, tryNumber, ex.GetType().Name, ex);
            return TryResult.Failed($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Try {Try} failed: {Error}")]
    private static partial void LogTryFailed(ILogger logger, int @try, string error, Exception? exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The log of {Pipeline}.{Task} in run {Run} could not be kept")]
    private static partial void LogNotKept(ILogger logger, string pipeline, string run, string task, Exception exception);

    private RunContext ReadContext(PipelineDefinition pipeline, TaskDefinition task, string runId, int tryNumber, ILogger logger)
    {
        using var connection = _storage.GetConnection();
        var fields = connection.GetAllEntriesFromHash(PipelineStore.RunKey(pipeline.Id, runId));
        var logicalDate = PipelineStore.ParseDate(fields["logicalDate"]);
        var interval = new Interval(PipelineStore.ParseInstant(fields.GetValueOrDefault("dataStart")), PipelineStore.ParseInstant(fields.GetValueOrDefault("dataEnd")));
        var parameters = System.Text.Json.JsonSerializer.Deserialize<System.Collections.Generic.Dictionary<string, string>>(fields.GetValueOrDefault("parameters") ?? "{}")
            ?? new System.Collections.Generic.Dictionary<string, string>();
        return new RunContext(pipeline.Id, runId, task.Id, logicalDate, interval, tryNumber, parameters, logger);
    }

    private sealed class StorageOutputs(JobStorage storage, string pipelineId, string runId) : ITaskOutputSource
    {
        public string? GetOutputJson(string taskId)
        {
            using var connection = storage.GetConnection();
            var json = PipelineStore.GetOutput(connection, pipelineId, runId, taskId);
            return string.IsNullOrEmpty(json) ? null : json;
        }
    }
}

/// <summary>Thrown at the end of a failed try so Hangfire records the job as failed, with the task's reason.</summary>
public sealed class PipelineTaskFailedException(string pipelineId, string runId, string taskId, string reason)
    : Exception($"{pipelineId}.{taskId} in run {runId}: {reason}");
