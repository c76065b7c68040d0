using System;
using System.Collections.Immutable;
using System.Globalization;
using System.Threading;
using Hangfire;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// A delivered job starting its try: allowed when <see cref="TaskReadiness.ToStart"/> is met (the run is active, the job
/// is the newest of the current try). A job delivered again while its try is running (after a crash, or requeued by an
/// operator) runs the try again only when the try's execution is dead; while it is alive the delivery is a duplicate.
/// </summary>
internal sealed class TryStart
{
    private readonly RunCoordinator _coordinator;
    private readonly JobStorage _storage;
    private readonly PipelinesOptions _options;
    private readonly ILogger _logger;

    private readonly UnlockedStart _unlocked;

    public TryStart(RunCoordinator coordinator, JobStorage storage, PipelinesOptions options, ILogger logger, QueuedRecords queued, PausesRead pauses)
    {
        _coordinator = coordinator;
        _storage = storage;
        _options = options;
        _logger = logger;
        _unlocked = new UnlockedStart(storage, options, queued, pauses);
    }

    /// <summary>
    /// The running task, or null when the job must not run (see <see cref="RunCoordinator.BeginTry(PipelineDefinition, string, string, int, string?, string?, CancellationToken)"/>).
    /// <paramref name="run"/> is the run's record when the start read it anyway (a start without the run's lock), else null.
    /// </summary>
    public TaskInstance? Begin(PipelineDefinition pipeline, string runId, string taskId, int tryNumber, string? jobId, string? serverId, CancellationToken cancellationToken, out RunRecord? run)
    {
        run = null;
        var delivery = new TryDelivery(tryNumber, jobId);
        // Where the storage allows, a start that may go ahead takes no lock (UnlockedStart); slot admission writes the
        // slot book, so a try under slot limits always takes the lock.
        if (_unlocked.Supported && !SlotLimit.Any(pipeline, MapKey.Definition(pipeline, taskId), _options)
            && _unlocked.Begin(pipeline, runId, taskId, delivery, (work, task) => Started(work, task, tryNumber, jobId, serverId, replaced: null), out run) is { } started)
            return started;
        run = null;

        string? replaces = null;
        while (true)
        {
            TaskInstance? running = null, redelivered = null;
            TaskDependency? unstartable = null;
            _coordinator.Update(pipeline, runId, work =>
            {
                running = redelivered = null;
                unstartable = null;
                var task = work[taskId];
                if (Judge(work, taskId, delivery) is { } blocked)
                {
                    // A paused pipeline's task stays queued; unpausing gives it a new job.
                    if (blocked.Name == PipelineNotPaused.Name) CoordinationLog.Paused(_logger, pipeline.Id, runId, taskId, tryNumber);
                    else CoordinationLog.Stale(_logger, pipeline.Id, runId, taskId, tryNumber, task.State.Name(), task.TryNumber);
                    return false;
                }
                if (task.State == TaskState.Running && task.Execution != replaces)
                {
                    redelivered = task;
                    return false;
                }
                // Pools, MaxActiveTasks and MaxActiveTries: the try takes its slots now, or waits for them (SlotBook).
                var definition = work.DefinitionOf(taskId);
                if (task.State != TaskState.Running && SlotLimit.Any(pipeline, definition, _options))
                {
                    var context = ReadinessContext.Of(work, taskId, delivery);
                    var admission = _coordinator.Slots.Admit(pipeline, runId, definition, tryNumber, work.Now, usage => TaskReadiness.BlockingStart(context with { Slots = usage }), taskId);
                    if (admission.Blocked is { } held)
                    {
                        CoordinationLog.WaitingForSlots(_logger, pipeline.Id, runId, taskId, tryNumber, held.Sentence);
                        if (admission.Kind == SlotAdmissionKind.Impossible) unstartable = held;
                        if (task.Reason == held.Sentence) return false;
                        work.Set(task with { Reason = held.Sentence });
                        return true;
                    }
                }
                work.Set(Started(work, task, tryNumber, jobId, serverId, replaces is null ? null : task));
                running = work[taskId];
                return true;
            }, CascadeScope.None, touches: new[] { taskId });
            if (unstartable is not null) Fail(pipeline, runId, taskId, tryNumber, unstartable);
            if (redelivered is null) return running;

            switch (JudgeRedelivery(pipeline, runId, redelivered, cancellationToken))
            {
                case Redelivery.Duplicate:
                    CoordinationLog.Duplicate(_logger, pipeline.Id, runId, taskId, tryNumber, redelivered.Server ?? "another worker");
                    return null;
                case Redelivery.HasResult:
                    // The try ended and kept its result, but the step that applies it did not happen: apply it now.
                    _coordinator.CompleteRecorded(pipeline, runId, taskId);
                    return null;
                default:
                    replaces = redelivered.Execution;
                    continue;
            }
        }
    }

    /// <summary>
    /// The record of a waiting task whose try <paramref name="tryNumber"/> starts now, with a new execution id; or of a
    /// running try started again after its execution (on <paramref name="replaced"/>'s server) stopped without a result.
    /// </summary>
    private static TaskInstance Started(RunWork work, TaskInstance task, int tryNumber, string? jobId, string? serverId, TaskInstance? replaced)
    {
        var jobs = task.JobIds.IsDefault ? ImmutableArray<string>.Empty : task.JobIds;
        if (jobId is not null && !jobs.Contains(jobId)) jobs = jobs.Add(jobId);
        return task with
        {
            State = TaskState.Running,
            Start = work.Now,
            End = null,
            Server = serverId,
            JobIds = jobs,
            Execution = NewExecution(),
            FirstPoke = task.FirstPoke ?? (work.DefinitionOf(task.TaskId).Kind == TaskKind.Sensor ? work.Now : null),
            Reason = replaced is null
                ? $"Running try {tryNumber} on {serverId ?? "a worker"}."
                : $"Running try {tryNumber} again on {serverId ?? "a worker"}: its execution on {replaced.Server ?? "another worker"} stopped without a result.",
        };
    }

    /// <summary>
    /// A new execution token: 12 hex digits, 48 random bits, as many as the GUID prefix it replaces. From the runtime's
    /// shared generator, which every process seeds apart: a token only tells one execution of a try from another, and
    /// <see cref="Guid.NewGuid"/> read the kernel's entropy, a system call on every try's start.
    /// </summary>
    private static string NewExecution() => Random.Shared.NextInt64(1L << 48).ToString("x12", CultureInfo.InvariantCulture);

    /// <summary>A try that can never fit under its limits (more slots than its pool has) fails with the reason, without retries.</summary>
    private void Fail(PipelineDefinition pipeline, string runId, string taskId, int tryNumber, TaskDependency reason) =>
        _coordinator.Update(pipeline, runId, work =>
        {
            var task = work[taskId];
            if (task.TryNumber != tryNumber || !IsCurrentTry.IsWaiting(task.State)) return false;
            var sentence = $"Failed before try {tryNumber} started: {reason.Sentence}";
            work.Set(task with { State = TaskState.Failed, End = work.Now, Reason = sentence });
            work.Event(PipelineEventKind.TaskFailed, taskId, TaskState.Failed.Name(), sentence);
            return true;
        }, CascadeScope.Changed, touches: new[] { taskId });

    /// <summary>The reason a delivered job may not start its try, or null when it may: <see cref="TaskReadiness.BlockingStart"/>.</summary>
    public static TaskDependency? Judge(RunWork work, string taskId, TryDelivery delivery) =>
        TaskReadiness.BlockingStart(ReadinessContext.Of(work, taskId, delivery));

    private enum Redelivery { Duplicate, HasResult, Dead }

    /// <summary>
    /// Decides what a second delivery of a running try's job finds: the try's result kept (apply it), its execution dead
    /// (run it again), or alive (a duplicate). An execution heard from recently is watched until it beats again (alive)
    /// or stays silent for the liveness timeout (dead), so a server killed a moment ago is told from a live one.
    /// </summary>
    private Redelivery JudgeRedelivery(PipelineDefinition pipeline, string runId, TaskInstance task, CancellationToken cancellationToken)
    {
        var watching = System.Diagnostics.Stopwatch.StartNew();
        Instant? firstBeat = null;
        while (true)
        {
            using (var connection = _storage.GetConnection())
            {
                if (RecordedResults.Read(connection, pipeline.Id, runId, task.TaskId) is { } recorded && recorded.IsOf(task)) return Redelivery.HasResult;
                var heartbeat = TryHeartbeat.Read(connection, pipeline.Id, runId, task.TaskId, task.Execution);
                if (TryLiveness.IsDead(heartbeat, _options, task, _options.Clock.GetCurrentInstant(), out _)) return Redelivery.Dead;
                var beat = heartbeat.LastBeat;
                if (firstBeat is null) firstBeat = beat ?? Instant.MinValue;
                else if (beat is { } b && b > firstBeat) return Redelivery.Duplicate;
            }
            // Clocks may disagree between servers: silence measured here bounds the watch too.
            if (watching.Elapsed >= _options.TryLivenessTimeout) return Redelivery.Dead;
            if (cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(500))) throw new OperationCanceledException(cancellationToken);
        }
    }
}
