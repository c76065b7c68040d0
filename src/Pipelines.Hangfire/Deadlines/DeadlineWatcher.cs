using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Logging;
using NodaTime;
using Pipelines.Calendars;

namespace Pipelines.Hangfire;

/// <summary>
/// Raises <see cref="PipelineEventKind.DeadlineMissed"/> for every run not finished (succeeded or failed) by its
/// deadline and every task not finished by its own, as Airflow 3's Deadline Alerts do for a DAG run, and also for a
/// scheduled run that was never created: the pipeline was paused, or no server was up. Exactly one event per
/// (pipeline, run) and per (run, task), across servers and restarts.
/// </summary>
/// <remarks>
/// The reconciler calls <see cref="Pass"/> once a minute; a pass does nothing for pipelines without deadlines. It looks
/// in two places. The schedule: every occurrence after the pipeline's stored watermark whose deadlines have passed,
/// judged by the run it made (or should have made, under the run id the scheduler gives it), after which the watermark
/// moves past it; a pipeline seen for the first time starts watching from now, and a watermark older than
/// <see cref="MaxLookBack"/> (a storage that no server used for weeks) is brought forward to that, so a pass stays
/// bounded. And the unfinished runs: any run, triggered by hand too, still going past its deadline. A miss is written
/// under a short per-pipeline lock, with its event in the outbox in the same transaction, so every notifier and
/// callback hears it at least once and no second server raises it again.
/// </remarks>
internal sealed partial class DeadlineWatcher
{
    /// <summary>How far back a pass looks for occurrences, whatever the watermark says.</summary>
    public static readonly Duration MaxLookBack = Duration.FromDays(31);

    private const int MaxOccurrencesPerPass = 500;
    private static readonly TimeSpan s_lockTimeout = TimeSpan.FromSeconds(5);

    private readonly JobStorage _storage;
    private readonly NotificationDispatcher _notifications;
    private readonly PipelinesOptions _options;
    private readonly ILogger<DeadlineWatcher> _logger;
    private readonly IReadOnlyList<PipelineDeadlines> _watched;

    public DeadlineWatcher(JobStorage storage, PipelineRegistry registry, NotificationDispatcher notifications, PipelinesOptions options, ILogger<DeadlineWatcher> logger)
    {
        _storage = storage;
        _notifications = notifications;
        _options = options;
        _logger = logger;
        var watched = new List<PipelineDeadlines>();
        foreach (var pipeline in registry.All)
        {
            try
            {
                if (PipelineDeadlines.Of(pipeline) is { } deadlines) watched.Add(deadlines);
            }
            catch (Exception ex) when (ex is FormatException or InvalidOperationException or UnknownCalendarException)
            {
                // A definition built by hand can carry a deadline the analyzer would have refused: say so, watch the rest.
                LogUnusable(_logger, pipeline.Id, ex);
            }
        }
        _watched = watched;
    }

    /// <summary>Whether any pipeline has a deadline; the pass is free when none does.</summary>
    public bool HasWork => _watched.Count > 0;

    /// <summary>One pass over every pipeline with a deadline; returns how many misses it raised.</summary>
    public int Pass()
    {
        if (_watched.Count == 0) return 0;
        var now = _options.Clock.GetCurrentInstant();
        var raised = 0;
        using var connection = _storage.GetConnection();
        var unfinished = connection.GetAllItemsFromSet(PipelineStore.UnfinishedKey);
        var watermarks = connection.GetAllEntriesFromHash(DeadlineMisses.WatermarkKey) ?? new Dictionary<string, string>();
        foreach (var watched in _watched)
        {
            try
            {
                var known = DeadlineMisses.Read(connection, watched.Pipeline.Id);
                raised += WalkSchedule(connection, watched, PipelineStore.ParseInstant(watermarks.GetValueOrDefault(watched.Pipeline.Id)), now, known);
                var prefix = watched.Pipeline.Id + "|";
                // The unfinished runs' records in one read where the storage can (a database's round trip each otherwise).
                var runIds = unfinished.Where(m => m.StartsWith(prefix, StringComparison.Ordinal)).Select(m => m[prefix.Length..]).ToList();
                var records = PipelineStore.ReadRunRecords(_storage, connection, watched.Pipeline.Id, runIds);
                foreach (var runId in runIds)
                {
                    if (records.GetValueOrDefault(runId) is not { LogicalDate: { } date } run) continue;
                    raised += Judge(connection, watched, runId, date, run.DataInterval.HasEnd ? run.DataInterval.End : null, run, now, known);
                }
                // With retention on, misses go some time after their runs would: never while a run is unfinished, and
                // never inside the window a walk can still reach.
                if (_options.Retention is { } retention)
                    DeadlineMisses.Prune(connection, watched.Pipeline.Id, now - Duration.Max(retention, MaxLookBack) - Duration.FromDays(2),
                        runId => unfinished.Contains(PipelineStore.UnfinishedMember(watched.Pipeline.Id, runId)), MaxOccurrencesPerPass);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One pipeline whose deadlines cannot be judged now (a busy lock) must not stop the others; the next pass retries.
                LogPipelineSkipped(_logger, watched.Pipeline.Id, ex);
            }
        }
        return raised;
    }

    /// <summary>The schedule's occurrences after the watermark whose deadlines have passed, judged and then passed by.</summary>
    private int WalkSchedule(IStorageConnection connection, PipelineDeadlines watched, Instant? watermark, Instant now, Dictionary<string, Instant> known)
    {
        var pipeline = watched.Pipeline;
        if (PipelineTimetable.For(pipeline) is not { } timetable) return 0;
        var from = watermark is { } mark ? Instant.Max(mark, now - MaxLookBack) : now;
        var raised = 0;
        var passed = from;
        var walked = 0;
        for (var next = timetable.NextAfter(from); next is { } o && walked < MaxOccurrencesPerPass; next = timetable.NextAfter(o.At), walked++)
        {
            if (o.At > now) break;
            if (watched.Latest(o.Session, o.At) is { } latest && latest > now) break;
            var runId = RunId.ScheduledAt(o.At.InZone(timetable.Zone).ToOffsetDateTime()).Value;
            raised += Judge(connection, watched, runId, o.Session, o.At, PipelineStore.ReadRunRecord(connection, pipeline.Id, runId), now, known);
            passed = o.At;
        }
        if (watermark is null || passed != watermark)
        {
            using var transaction = connection.CreateWriteTransaction();
            transaction.SetRangeInHash(DeadlineMisses.WatermarkKey, new Dictionary<string, string> { [pipeline.Id] = PipelineStore.Format(passed) });
            transaction.Commit();
        }
        return raised;
    }

    /// <summary>Raises the run's and its tasks' misses for one logical date; <paramref name="run"/> null when the run was never created.</summary>
    private int Judge(IStorageConnection connection, PipelineDeadlines watched, string runId, LocalDate logicalDate, Instant? dataIntervalEnd, RunRecord? run, Instant now, Dictionary<string, Instant> known)
    {
        var pipeline = watched.Pipeline;
        var raised = 0;
        var runState = run?.State;
        if (watched.Run?.For(logicalDate, dataIntervalEnd) is { } runDeadline && runDeadline <= now && !known.ContainsKey(DeadlineMisses.Field(runId, null)))
        {
            var endedLate = runState is { } s && s.IsFinished() && !(run!.EndedAt is { } ended && ended <= runDeadline);
            if (runState is not { } state || !state.IsFinished() || endedLate)
            {
                var stateName = runState?.Name() ?? "not_created";
                var message = runState is null
                    ? $"The run for {PipelineStore.Format(logicalDate)} was never created (the pipeline was paused or no server was up) and so not finished by its deadline {watched.Run} ({PipelineStore.Format(runDeadline)})."
                    : endedLate
                        ? $"The run ended {stateName} after its deadline {watched.Run} ({PipelineStore.Format(runDeadline)})."
                        : $"The run is still {stateName} past its deadline {watched.Run} ({PipelineStore.Format(runDeadline)}).";
                raised += Raise(connection, pipeline, runId, null, runDeadline, stateName, message, known);
            }
        }
        if (watched.Tasks.Count == 0) return raised;
        Dictionary<string, TaskInstance>? tasks = null;
        foreach (var (task, deadline) in watched.Tasks)
        {
            if (deadline.For(logicalDate, dataIntervalEnd) is not { } taskDeadline || taskDeadline > now || known.ContainsKey(DeadlineMisses.Field(runId, task.Id))) continue;
            tasks ??= run is null ? new Dictionary<string, TaskInstance>() : PipelineStore.ReadTasks(connection, pipeline, runId);
            var instance = tasks.GetValueOrDefault(task.Id);
            if (instance is not null && instance.State.IsTerminal() && instance.End is { } end && end <= taskDeadline) continue;
            if (instance is not null && instance.State.IsTerminal() && instance.End is null) continue;
            var stateName = run is null ? "not_created" : instance?.State.Name() ?? TaskState.None.Name();
            var message = instance is not null && instance.State.IsTerminal()
                ? $"Task {task.Id} ended {stateName} after its deadline {deadline} ({PipelineStore.Format(taskDeadline)})."
                : $"Task {task.Id} is {(run is null ? "in a run that was never created" : "still " + stateName)} past its deadline {deadline} ({PipelineStore.Format(taskDeadline)}).";
            raised += Raise(connection, pipeline, runId, task.Id, taskDeadline, stateName, message, known);
        }
        return raised;
    }

    /// <summary>Writes one miss and its event, unless a server already has (checked again under the pipeline's deadline lock).</summary>
    private int Raise(IStorageConnection connection, PipelineDefinition pipeline, string runId, string? taskId, Instant deadline, string state, string message, Dictionary<string, Instant> known)
    {
        var field = DeadlineMisses.Field(runId, taskId);
        var pipelineEvent = new PipelineEvent(PipelineEventKind.DeadlineMissed, pipeline.Id, runId, taskId, state, message, deadline);
        IReadOnlyList<PipelineEvent> stored;
        using (StorageLocks.Acquire(_storage, connection, DeadlineMisses.Lock(pipeline.Id), s_lockTimeout))
        {
            if (DeadlineMisses.Read(connection, pipeline.Id).ContainsKey(field))
            {
                known[field] = deadline;
                return 0;
            }
            using var transaction = connection.CreateWriteTransaction();
            DeadlineMisses.Add(transaction, pipeline.Id, field, deadline);
            stored = _notifications.Store(transaction, new[] { pipelineEvent });
            transaction.Commit();
        }
        known[field] = deadline;
        PipelinesTelemetry.DeadlineMisses.Add(1, new TagList { { PipelinesTelemetry.PipelineName, pipeline.Id }, { PipelinesTelemetry.TaskName, taskId } });
        _notifications.Publish(stored);
        LogMissed(_logger, pipeline.Id, runId, taskId ?? "-", message);
        return 1;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The deadlines of {Pipeline} cannot be used, so they are not watched")]
    private static partial void LogUnusable(ILogger logger, string pipeline, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deadline missed: {Pipeline} {Run} {Task}. {Message}")]
    private static partial void LogMissed(ILogger logger, string pipeline, string run, string task, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The deadlines of {Pipeline} could not be judged in this pass; the next pass tries again")]
    private static partial void LogPipelineSkipped(ILogger logger, string pipeline, Exception exception);
}
