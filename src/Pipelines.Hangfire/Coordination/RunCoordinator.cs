using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using System.Threading;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// The heart of the runtime. Every change to a run happens here, under the run's storage lock: read the task
/// instances, apply the change, cascade trigger rules in topological order, create a Hangfire job for each task that
/// became ready, and write everything in one transaction, exactly once however many servers finish parents at once.
/// </summary>
internal sealed partial class RunCoordinator
{
    private static readonly MethodInfo s_execute = typeof(PipelineTaskJob).GetMethod(nameof(PipelineTaskJob.Execute))!;

    private readonly JobStorage _storage;
    private readonly IBackgroundJobClient _client;
    private readonly PipelinesOptions _options;
    private readonly NotificationDispatcher _notifications;
    private readonly ILogger<RunCoordinator> _logger;

    public RunCoordinator(JobStorage storage, IBackgroundJobClient client, PipelinesOptions options, NotificationDispatcher notifications, ILogger<RunCoordinator> logger)
    {
        _storage = storage;
        _client = client;
        _options = options;
        _notifications = notifications;
        _logger = logger;
    }

    public IClock Clock => _options.Clock;

    /// <summary>
    /// Applies <paramref name="change"/> to the run under its lock. The change returns false to leave the run untouched
    /// (a duplicate delivery, a stale try). Returns the work done, or null when nothing changed.
    /// </summary>
    public RunWork? Update(PipelineDefinition pipeline, string runId, Func<RunWork, bool> change, CascadeScope cascade = CascadeScope.All, TimeSpan? lockTimeout = null)
    {
        var stepStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        RunWork work;
        using (var connection = _storage.GetConnection())
        using (StorageLocks.Acquire(_storage, connection, PipelineStore.RunLock(pipeline.Id, runId), lockTimeout ?? _options.LockTimeout))
        {
            // A step that cascades reads the run and every task record in one fetch each. A try starting reads only its
            // own task's record: a task is queued only in a running run (a queued run's tasks are undecided, a finished
            // run's are terminal), so the task's state alone says whether it may start.
            Func<string, string?> records;
            RunState runState;
            RunFacts facts = default;
            if (cascade == CascadeScope.None && connection is JobStorageConnection fields)
            {
                var tasksKey = PipelineStore.TasksKey(pipeline.Id, runId);
                Dictionary<string, string>? all = null;
                records = id =>
                {
                    if (all is null)
                    {
                        try
                        {
                            return fields.GetValueFromHash(tasksKey, id);
                        }
                        catch (NotSupportedException)
                        {
                            // A storage that keeps Hangfire's default (unsupported) single-field read: fetch them all.
                            all = PipelineStore.ReadTaskRecords(connection, pipeline.Id, runId);
                        }
                    }
                    return all.TryGetValue(id, out var record) ? record : null;
                };
                runState = RunState.Running;
            }
            else
            {
                var runFields = connection.GetAllEntriesFromHash(PipelineStore.RunKey(pipeline.Id, runId));
                if (runFields is null || runFields.Count == 0)
                    throw new KeyNotFoundException($"Pipeline '{pipeline.Id}' has no run '{runId}'.");
                runState = RunStates.Parse(runFields["state"]);
                facts = PipelineStore.FactsOf(runFields);
                var all = PipelineStore.ReadTaskRecords(connection, pipeline.Id, runId);
                records = id => all.TryGetValue(id, out var record) ? record : null;
            }
            work = new RunWork(pipeline, runId, runState, records, _options.Clock.GetCurrentInstant()) { Facts = facts };

            if (!change(work)) return null;
            if (work.RunState == RunState.Running && cascade != CascadeScope.None) Cascade(work, cascade);

            // Jobs are created first and recorded in the same transaction as the states that call for them. A job that
            // starts at once waits for this lock, then finds its task queued with its job id; if the commit fails, the
            // jobs find tasks that do not expect them and end as stale deliveries.
            var jobIds = new string[work.Jobs.Count];
            for (var i = 0; i < jobIds.Length; i++) jobIds[i] = CreateJob(pipeline, runId, work.Facts, work.Jobs[i]);
            var links = new List<(string JobId, PipelineTaskState State)>(work.Jobs.Count);
            for (var i = 0; i < jobIds.Length; i++)
            {
                var pending = work.Jobs[i];
                links.Add((jobIds[i], new PipelineTaskState(pipeline.Id, runId, pending.TaskId, pending.TryNumber)));
                var task = work[pending.TaskId];
                work.Set(task with { JobIds = task.JobIds.IsDefault ? ImmutableArray.Create(jobIds[i]) : task.JobIds.Add(jobIds[i]) });
            }

            using var transaction = connection.CreateWriteTransaction();
            // A run created for one process's queue returns to the servers' queues when it finishes (a later clear runs
            // on the fleet) or when that process hands it back.
            if (facts.Queue is not null && (work.Facts.Queue is null || work.RunStateChanged && work.RunState.IsFinished()))
                PipelineStore.SetRunQueue(transaction, pipeline.Id, runId, null);
            PipelineStore.WriteTasks(transaction, pipeline.Id, runId, work.Changed);
            foreach (var (taskId, json) in work.Outputs) PipelineStore.SetOutput(transaction, pipeline.Id, runId, taskId, json);
            if (work.RunStateChanged)
            {
                var finished = work.RunState.IsFinished();
                PipelineStore.SetRunState(transaction, pipeline.Id, runId, work.RunState, endedAt: finished ? work.Now : null);
                if (finished)
                {
                    transaction.RemoveFromSet(PipelineStore.ActiveKey(pipeline.Id), runId);
                    transaction.RemoveFromSet(PipelineStore.UnfinishedKey, PipelineStore.UnfinishedMember(pipeline.Id, runId));
                }
                else
                {
                    transaction.AddToSet(PipelineStore.UnfinishedKey, PipelineStore.UnfinishedMember(pipeline.Id, runId));
                }
            }
            if (work.ListAsUnfinished) transaction.AddToSet(PipelineStore.UnfinishedKey, PipelineStore.UnfinishedMember(pipeline.Id, runId));
            // Hangfire's job page then names the task instance behind each job and links to it.
            foreach (var (jobId, state) in links) transaction.AddJobState(jobId, state);
            NotificationOutbox.Write(transaction, work.Events);
            transaction.Commit();
        }

        _notifications.Publish(work.Events);
        PipelinesTelemetry.Stepped(work, stepStarted);
        if (work.RunStateChanged && work.RunState.IsFinished())
        {
            // The step is committed: a failure to start the next waiting run must not make the caller retry it (a
            // retried completion would be stale and hide the try's outcome). The reconciler starts waiting runs too.
            try
            {
                StartWaitingRuns(pipeline);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogWaitingNotStarted(_logger, pipeline.Id, ex);
            }
        }
        return work;
    }

    /// <summary>Starts waiting runs of a pipeline while it has free slots under MaxActiveRuns. Never called under a run lock.</summary>
    public void StartWaitingRuns(PipelineDefinition pipeline)
    {
        var toStart = new List<string>();
        using (var connection = _storage.GetConnection())
        using (StorageLocks.Acquire(_storage, connection, PipelineStore.PipelineLock(pipeline.Id), _options.LockTimeout))
        {
            var active = connection.GetAllItemsFromSet(PipelineStore.ActiveKey(pipeline.Id)).Count;
            var free = pipeline.MaxActiveRuns - active;
            if (free <= 0) return;
            var waiting = PipelineStore.OldestFirst(connection, PipelineStore.WaitingKey(pipeline.Id), free);
            if (waiting.Count == 0) return;
            var now = _options.Clock.GetCurrentInstant();
            using var transaction = connection.CreateWriteTransaction();
            foreach (var runId in waiting)
            {
                transaction.RemoveFromSet(PipelineStore.WaitingKey(pipeline.Id), runId);
                transaction.AddToSet(PipelineStore.ActiveKey(pipeline.Id), runId);
                PipelineStore.SetRunState(transaction, pipeline.Id, runId, RunState.Running, startedAt: now);
                toStart.Add(runId);
            }
            transaction.Commit();
        }
        foreach (var runId in toStart) Update(pipeline, runId, _ => true);
    }

    /// <summary>
    /// Makes a finished run unfinished again after an operator cleared or marked its tasks: running when the pipeline has
    /// a free slot under MaxActiveRuns (and its ready tasks are enqueued at once), otherwise waiting for one, like a new run.
    /// </summary>
    public void Reopen(PipelineDefinition pipeline, string runId)
    {
        bool start;
        using (var connection = _storage.GetConnection())
        using (StorageLocks.Acquire(_storage, connection, PipelineStore.PipelineLock(pipeline.Id), _options.LockTimeout))
        {
            var fields = connection.GetAllEntriesFromHash(PipelineStore.RunKey(pipeline.Id, runId));
            if (fields is null || !fields.TryGetValue("state", out var state) || !RunStates.Parse(state).IsFinished()) return;
            var now = _options.Clock.GetCurrentInstant();
            using var transaction = connection.CreateWriteTransaction();
            // Nothing to run again (the operator's change left every task done): the run stays finished, with the outcome
            // its tasks now give (marking its only failed task success makes a failed run a success).
            var records = PipelineStore.ReadTaskRecords(connection, pipeline.Id, runId);
            if (PipelineStore.AllTerminal(pipeline, records))
            {
                var (outcome, _) = RunOutcome.Of(pipeline, i => records.TryGetValue(pipeline.Tasks[i].Id, out var r) ? PipelineStore.StateOf(r) : TaskState.None);
                if (outcome != RunStates.Parse(state)) PipelineStore.SetRunState(transaction, pipeline.Id, runId, outcome, endedAt: now);
                transaction.RemoveFromSet(PipelineStore.UnfinishedKey, PipelineStore.UnfinishedMember(pipeline.Id, runId));
                transaction.Commit();
                return;
            }
            start = connection.GetAllItemsFromSet(PipelineStore.ActiveKey(pipeline.Id)).Count < pipeline.MaxActiveRuns;
            PipelineStore.SetRunState(transaction, pipeline.Id, runId, start ? RunState.Running : RunState.Queued);
            transaction.AddToSet(PipelineStore.UnfinishedKey, PipelineStore.UnfinishedMember(pipeline.Id, runId));
            if (start) transaction.AddToSet(PipelineStore.ActiveKey(pipeline.Id), runId);
            else transaction.AddToSet(PipelineStore.WaitingKey(pipeline.Id), runId, now.ToUnixTimeTicks());
            transaction.Commit();
        }
        if (start) Update(pipeline, runId, _ => true);
    }

    /// <summary>
    /// Repairs a run left inconsistent by a crash between two steps: a try whose result was kept but not applied gets it
    /// applied; a running try that is dead (not heard from for <see cref="PipelinesOptions.TryLivenessTimeout"/>) and whose
    /// job has ended without a result has failed; tasks that should have a job but whose job is gone or ended get a new
    /// one; and trigger rules are evaluated again (which also finishes a run whose tasks are all done). A run whose lock
    /// is busy is left to the next pass (<see cref="global::Hangfire.Storage.DistributedLockTimeoutException"/>) rather than waited for.
    /// </summary>
    public RunWork? Reconcile(PipelineDefinition pipeline, string runId)
    {
        var cutoff = _options.Clock.GetCurrentInstant() - Duration.FromTimeSpan(_options.ReconcileAfter);
        var finished = false;
        using var jobs = _storage.GetConnection();
        var step = Update(pipeline, runId, work =>
        {
            finished = work.RunState.IsFinished();
            if (work.RunState != RunState.Running) return false;
            Dictionary<string, RecordedResults.Recorded>? recorded = null;
            foreach (var task in work.All.ToList())
            {
                if (task.State == TaskState.Running)
                {
                    // The job's state is read before the kept results: a job that ended had kept its result by then.
                    var runningJob = task.CurrentJobId is { } rid ? jobs.GetJobData(rid)?.State : null;
                    recorded ??= RecordedResults.ReadAll(jobs, pipeline.Id, runId);
                    if (recorded.TryGetValue(task.TaskId, out var result) && result.IsOf(task))
                    {
                        ApplyResult(work, pipeline[task.TaskId], task, result.Result);
                        continue;
                    }
                    var ended = runningJob is null || runningJob == DeletedState.StateName || runningJob == SucceededState.StateName || runningJob == FailedState.StateName;
                    if (ended && IsDead(jobs, pipeline, runId, task, work.Now, out var lastHeard))
                        ApplyResult(work, pipeline[task.TaskId], task, TryResult.Failed($"its job {task.CurrentJobId ?? "(none)"} ended ({runningJob ?? "missing"}) without recording a result; the try was last heard from at {PipelineStore.Format(lastHeard)}"));
                    continue;
                }
                if (!(task.State is TaskState.Queued or TaskState.Scheduled or TaskState.UpForRetry or TaskState.UpForReschedule)) continue;
                var jobState = task.CurrentJobId is { } id ? jobs.GetJobData(id)?.State : null;
                var lost = jobState is null || jobState == DeletedState.StateName || jobState == SucceededState.StateName || jobState == FailedState.StateName;
                if (!lost || (task.End ?? task.Start ?? Instant.MinValue) > cutoff && jobState is not null) continue;
                work.Set(task with { Reason = $"Re-enqueued by the reconciler: its job {(task.CurrentJobId ?? "(none)")} was {(jobState ?? "missing")}. " + task.Reason });
                work.Jobs.Add(new PendingJob(task.TaskId, task.TryNumber, null));
            }
            return true;
        }, lockTimeout: _options.ReconcilerLockTimeout);
        // A finished run listed as unfinished: an operator's clear or mark whose reopening did not happen.
        if (finished) Reopen(pipeline, runId);
        return step;
    }

    /// <summary>
    /// Whether a running try's execution is dead: it said it ended without a result, or it has not been heard from (its
    /// last heartbeat, or its start) for <see cref="PipelinesOptions.TryLivenessTimeout"/>.
    /// </summary>
    internal bool IsDead(global::Hangfire.Storage.IStorageConnection connection, PipelineDefinition pipeline, string runId, TaskInstance task, Instant now, out Instant lastHeard)
    {
        var (beat, ended) = TryHeartbeat.Read(connection, pipeline.Id, runId, task.TaskId, task.Execution);
        lastHeard = Max(beat ?? Instant.MinValue, task.Start ?? Instant.MinValue);
        return ended || now - lastHeard >= Duration.FromTimeSpan(_options.TryLivenessTimeout);
    }

    private static Instant Max(Instant a, Instant b) => a > b ? a : b;

    /// <summary>
    /// Decides every undecided task whose upstream tasks allow it, in topological order, so skips and failures cascade
    /// in one pass: all tasks, or only those the step changed and what lies downstream of them (a task's decision
    /// depends only on its upstream states, so nothing else can have become decidable).
    /// </summary>
    private static void Cascade(RunWork work, CascadeScope scope)
    {
        var tasks = work.Pipeline.Tasks;
        if (scope == CascadeScope.All)
        {
            for (var i = 0; i < tasks.Length; i++) Decide(work, i);
        }
        else
        {
            var pending = new SortedSet<int>();
            foreach (var changed in work.ChangedIndexes)
            {
                pending.Add(changed);
                foreach (var next in tasks[changed].Downstream) pending.Add(next);
            }
            while (pending.Count > 0)
            {
                var index = pending.Min;
                pending.Remove(index);
                if (Decide(work, index)) foreach (var next in tasks[index].Downstream) pending.Add(next);
            }
        }

        for (var i = 0; i < tasks.Length; i++)
            if (!work.StateOf(i).IsTerminal()) return;

        var (outcome, message) = RunOutcome.Of(work.Pipeline, work.StateOf);
        work.RunState = outcome;
        work.RunStateChanged = true;
        work.Event(PipelineEventKind.RunFinished, null, work.RunState.Name(), message);
    }

    /// <summary>Decides one undecided task from its upstream states; true when it was decided.</summary>
    private static bool Decide(RunWork work, int index)
    {
        if (work.StateOf(index) != TaskState.None) return false;
        var task = work.Pipeline.Tasks[index];
        var states = new TaskState[task.Upstream.Length];
        for (var u = 0; u < states.Length; u++) states[u] = work.StateOf(task.Upstream[u]);
        var evaluation = TriggerRuleEvaluator.Evaluate(task.Trigger, UpstreamSummary.Of(states));
        var instance = work.Get(index);
        switch (evaluation.Decision)
        {
            case TriggerDecision.Run:
                work.Set(instance with { State = TaskState.Queued, TryNumber = instance.TryNumber + 1, Start = null, End = null, Reason = "Queued. " + evaluation.Reason, FirstPoke = null });
                work.Jobs.Add(new PendingJob(task.Id, instance.TryNumber + 1, null));
                return true;
            case TriggerDecision.Skip:
                work.Set(instance with { State = TaskState.Skipped, End = work.Now, Reason = evaluation.Reason });
                return true;
            case TriggerDecision.UpstreamFailed:
                work.Set(instance with { State = TaskState.UpstreamFailed, End = work.Now, Reason = evaluation.Reason });
                return true;
            default:
                return false;
        }
    }

    private string CreateJob(PipelineDefinition pipeline, string runId, RunFacts facts, PendingJob pending)
    {
        var task = pipeline[pending.TaskId];
        // A run created for one process (the command line's --local) sends every task to that process's own queue.
        var queue = facts.Queue ?? task.Queue;
        var job = new Job(typeof(PipelineTaskJob), s_execute, pipeline.Id, runId, task.Id, pending.TryNumber, queue, facts.LogicalDate ?? "", null, CancellationToken.None);
        IState state = pending.Delay is { } delay && delay > Duration.Zero
            ? new ScheduledState(delay.ToTimeSpan())
            : new EnqueuedState(queue);
        return _client.Create(job, state);
    }

    // ---- steps used by jobs and operations -----------------------------------------------------------------

    /// <summary>
    /// Marks a try as running if <paramref name="jobId"/> is the job its task expects now: the running task, or null when
    /// the job must not run (a stale or duplicate delivery, or a redelivery whose try had already ended and is now applied).
    /// Only the newest job of the current try may start it (an older one, say re-enqueued by the reconciler and then
    /// requeued by hand, is stale). A job delivered again while its try is running (after a crash, or requeued by an
    /// operator) runs the try again only when the try's execution is dead; while it is alive the delivery is a duplicate.
    /// </summary>
    public TaskInstance? BeginTry(PipelineDefinition pipeline, string runId, string taskId, int tryNumber, string? jobId, string? serverId, CancellationToken cancellationToken = default)
    {
        string? replaces = null;
        while (true)
        {
            TaskInstance? running = null, redelivered = null;
            Update(pipeline, runId, work =>
            {
                var task = work[taskId];
                var current = jobId is null || task.CurrentJobId is null || task.CurrentJobId == jobId;
                var waiting = task.State is TaskState.Queued or TaskState.Scheduled or TaskState.UpForRetry or TaskState.UpForReschedule;
                var again = task.State == TaskState.Running && jobId is not null && task.CurrentJobId == jobId;
                if (task.TryNumber != tryNumber || work.RunState.IsFinished() || !current || !(waiting || again))
                {
                    LogStale(_logger, pipeline.Id, runId, taskId, tryNumber, task.State.Name(), task.TryNumber);
                    return false;
                }
                if (again && task.Execution != replaces)
                {
                    redelivered = task;
                    return false;
                }
                var jobs = task.JobIds.IsDefault ? ImmutableArray<string>.Empty : task.JobIds;
                if (jobId is not null && !jobs.Contains(jobId)) jobs = jobs.Add(jobId);
                work.Set(task with
                {
                    State = TaskState.Running,
                    Start = work.Now,
                    End = null,
                    Server = serverId,
                    JobIds = jobs,
                    Execution = Guid.NewGuid().ToString("N")[..12],
                    FirstPoke = task.FirstPoke ?? (pipeline[taskId].Kind == TaskKind.Sensor ? work.Now : null),
                    Reason = replaces is null
                        ? $"Running try {tryNumber} on {serverId ?? "a worker"}."
                        : $"Running try {tryNumber} again on {serverId ?? "a worker"}: its execution on {task.Server ?? "another worker"} stopped without a result.",
                });
                running = work[taskId];
                return true;
            }, CascadeScope.None);
            if (redelivered is null) return running;

            switch (JudgeRedelivery(pipeline, runId, redelivered, cancellationToken))
            {
                case Redelivery.Duplicate:
                    LogDuplicate(_logger, pipeline.Id, runId, taskId, tryNumber, redelivered.Server ?? "another worker");
                    return null;
                case Redelivery.HasResult:
                    // The try ended and kept its result, but the step that applies it did not happen: apply it now.
                    CompleteRecorded(pipeline, runId, taskId);
                    return null;
                default:
                    replaces = redelivered.Execution;
                    continue;
            }
        }
    }

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
                var (beat, _) = TryHeartbeat.Read(connection, pipeline.Id, runId, task.TaskId, task.Execution);
                if (IsDead(connection, pipeline, runId, task, _options.Clock.GetCurrentInstant(), out _)) return Redelivery.Dead;
                if (firstBeat is null) firstBeat = beat ?? Instant.MinValue;
                else if (beat is { } b && b > firstBeat) return Redelivery.Duplicate;
            }
            // Clocks may disagree between servers: silence measured here bounds the watch too.
            if (watching.Elapsed >= _options.TryLivenessTimeout) return Redelivery.Dead;
            if (cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(500))) throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>
    /// Records how a try ended and moves the run on. Returns the task's new state, or null for a stale completion (the
    /// task was cleared, or another execution now runs the try). <paramref name="execution"/> is the token
    /// <see cref="BeginTry"/> gave this execution.
    /// </summary>
    public TaskInstance? CompleteTry(PipelineDefinition pipeline, string runId, string taskId, int tryNumber, string? jobId, string? execution, TryResult result)
    {
        TaskInstance? final = null;
        Update(pipeline, runId, work =>
        {
            var task = work[taskId];
            var ours = execution is not null ? task.Execution == execution : jobId is null || task.CurrentJobId is not { } current || current == jobId;
            if (task.State != TaskState.Running || task.TryNumber != tryNumber || !ours)
            {
                LogStale(_logger, pipeline.Id, runId, taskId, tryNumber, task.State.Name(), task.TryNumber);
                return false;
            }
            ApplyResult(work, pipeline[taskId], task, result);
            final = work[taskId];
            return true;
        }, CascadeScope.Changed);
        return final;
    }

    /// <summary>Applies the kept result of a task's running try, if there is one: the same step as <see cref="CompleteTry"/>.</summary>
    public TaskInstance? CompleteRecorded(PipelineDefinition pipeline, string runId, string taskId)
    {
        RecordedResults.Recorded? recorded;
        using (var connection = _storage.GetConnection()) recorded = RecordedResults.Read(connection, pipeline.Id, runId, taskId);
        return recorded is null ? null : CompleteTry(pipeline, runId, taskId, recorded.TryNumber, null, recorded.Execution, recorded.Result);
    }

    private static void ApplyResult(RunWork work, TaskDefinition definition, TaskInstance task, TryResult result)
    {
        var now = work.Now;
        if (task.ClearRequested)
        {
            work.Set(task with
            {
                State = TaskState.None, Start = null, End = null, FirstPoke = null, ClearRequested = false, FirstTry = task.TryNumber + 1,
                Reason = $"Cleared by an operator while try {task.TryNumber} ran; its result was discarded. Waiting for its upstream tasks.",
            });
            return;
        }
        if (result.Error is { } error)
        {
            var tryOfAttempt = task.TryOfAttempt;
            if (tryOfAttempt <= definition.Retries)
            {
                var delay = Duration.FromTimeSpan(definition.RetryDelayAfter(tryOfAttempt));
                var reason = $"Try {task.TryNumber} failed: {error}. Retry {tryOfAttempt} of {definition.Retries} at {PipelineStore.Format(now + delay)}.";
                // A reschedule-mode sensor's timeout counts from its first poke across its retries, as in Airflow; a poke-mode
                // sensor waits within one try, so each try has its own.
                var firstPoke = definition.Sensor is { Mode: SensorMode.Reschedule } ? task.FirstPoke : null;
                work.Set(task with { State = TaskState.UpForRetry, End = now, TryNumber = task.TryNumber + 1, Reason = reason, FirstPoke = firstPoke });
                work.Jobs.Add(new PendingJob(task.TaskId, task.TryNumber + 1, delay));
                work.Event(PipelineEventKind.TaskRetry, task.TaskId, TaskState.UpForRetry.Name(), reason);
            }
            else
            {
                var reason = definition.Retries == 0
                    ? $"Failed on try {task.TryNumber}: {error}."
                    : task.FirstTry == 1
                        ? $"Failed on try {task.TryNumber}, the last of {definition.Retries + 1}: {error}."
                        : $"Failed on try {task.TryNumber}, the last of {definition.Retries + 1} since it was cleared: {error}.";
                work.Set(task with { State = TaskState.Failed, End = now, Reason = reason });
                work.Event(PipelineEventKind.TaskFailed, task.TaskId, TaskState.Failed.Name(), reason);
            }
            return;
        }

        var outcome = result.Outcome!;
        switch (definition.Kind)
        {
            case TaskKind.Sensor when outcome.Result != true:
            {
                var sensor = definition.Sensor!;
                var firstPoke = task.FirstPoke ?? task.Start ?? now;
                var waited = now - firstPoke;
                if (waited >= Duration.FromTimeSpan(sensor.Timeout))
                {
                    var reason = $"Sensor timed out: not satisfied after waiting {Format(waited)} (timeout {Format(Duration.FromTimeSpan(sensor.Timeout))}).";
                    if (sensor.SoftFail)
                    {
                        // Only the sensor is skipped; what lies downstream follows its trigger rules, as in Airflow.
                        work.Set(task with { State = TaskState.Skipped, End = now, Reason = reason + " Skipped because of soft fail." });
                    }
                    else
                    {
                        work.Set(task with { State = TaskState.Failed, End = now, Reason = reason });
                        work.Event(PipelineEventKind.TaskFailed, task.TaskId, TaskState.Failed.Name(), reason);
                    }
                }
                else
                {
                    var next = Duration.FromTimeSpan(sensor.PokeInterval);
                    work.Set(task with { State = TaskState.UpForReschedule, FirstPoke = firstPoke, Reason = $"Sensor not satisfied yet (waiting {Format(waited)} of {Format(Duration.FromTimeSpan(sensor.Timeout))}); next poke at {PipelineStore.Format(now + next)}." });
                    work.Jobs.Add(new PendingJob(task.TaskId, task.TryNumber, next));
                }
                return;
            }
            case TaskKind.Condition when outcome.Result == false:
            {
                work.Set(task with { State = TaskState.Success, End = now, Reason = "Condition returned false: everything downstream is skipped." });
                Skip(work, Reachable(work.Pipeline, new[] { definition.Index }), $"Skipped: condition '{definition.Id}' returned false.");
                break;
            }
            case TaskKind.Branch:
            {
                var targets = definition.BranchTargets.Select(i => work.Pipeline.Tasks[i].Id).ToList();
                var unknown = outcome.ChosenBranches.Where(c => !targets.Contains(c)).ToList();
                if (unknown.Count > 0)
                {
                    var reason = $"Failed on try {task.TryNumber}: the branch chose {string.Join(", ", unknown.Select(u => $"'{u}'"))}, which is not one of its targets ({string.Join(", ", targets)}).";
                    work.Set(task with { State = TaskState.Failed, End = now, Reason = reason });
                    work.Event(PipelineEventKind.TaskFailed, task.TaskId, TaskState.Failed.Name(), reason);
                    return;
                }
                var chosen = outcome.ChosenBranches.Distinct().ToList();
                work.Set(task with { State = TaskState.Success, End = now, Reason = chosen.Count == 0 ? "Branch chose no target: all targets are skipped." : $"Branch chose {string.Join(", ", chosen)}." });
                // As Airflow's skip_all_except: a target that lies downstream of a chosen one is not skipped (it joins the
                // chosen path); what lies downstream of the skipped targets follows its trigger rules.
                var keep = Reachable(work.Pipeline, chosen.Select(c => work.Pipeline[c].Index));
                foreach (var c in chosen) keep.Add(work.Pipeline[c].Index);
                var skip = new SortedSet<int>(definition.BranchTargets.Where(t => !keep.Contains(t)));
                Skip(work, skip, $"Skipped: branch '{definition.Id}' chose {(chosen.Count == 0 ? "no target" : string.Join(", ", chosen))}.");
                break;
            }
            default:
                work.Set(task with { State = TaskState.Success, End = now, Reason = task.TryNumber == 1 ? "Succeeded." : $"Succeeded on try {task.TryNumber}." });
                break;
        }

        if (outcome.OutputJson is not null) work.Outputs[task.TaskId] = outcome.OutputJson;
        work.Event(PipelineEventKind.TaskSucceeded, task.TaskId, TaskState.Success.Name(), work[task.TaskId].Reason ?? "");
    }

    /// <summary>Every task reachable downstream of <paramref name="from"/>, not counting them.</summary>
    private static SortedSet<int> Reachable(PipelineDefinition pipeline, IEnumerable<int> from)
    {
        var seen = new SortedSet<int>();
        var pending = new Stack<int>();
        foreach (var start in from) foreach (var next in pipeline.Tasks[start].Downstream) pending.Push(next);
        while (pending.Count > 0)
        {
            var index = pending.Pop();
            if (!seen.Add(index)) continue;
            foreach (var next in pipeline.Tasks[index].Downstream) pending.Push(next);
        }
        return seen;
    }

    /// <summary>
    /// Skips the given tasks unless they are running or have succeeded or failed: Airflow's skip spares only those, so a
    /// task already upstream_failed (or queued behind an Always rule) becomes skipped too. A queued try's job then finds
    /// its task skipped and does nothing.
    /// </summary>
    private static void Skip(RunWork work, IEnumerable<int> tasks, string reason)
    {
        foreach (var index in tasks)
        {
            var instance = work.Get(index);
            if (instance.State is TaskState.Running or TaskState.Success or TaskState.Failed or TaskState.Skipped) continue;
            work.Set(instance with { State = TaskState.Skipped, End = work.Now, Reason = reason });
        }
    }

    private static string Format(Duration duration) => duration.ToString("H:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not start the waiting runs of {Pipeline} now; the reconciler will")]
    private static partial void LogWaitingNotStarted(ILogger logger, string pipeline, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A second delivery of {Pipeline} {Run} {Task} try {Try} found the try still running on {Server}: it does nothing.")]
    private static partial void LogDuplicate(ILogger logger, string pipeline, string run, string task, int @try, string server);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ignoring a stale or duplicate delivery of {Pipeline} {Run} {Task} try {Try}: the task is {State} on try {CurrentTry}.")]
    private static partial void LogStale(ILogger logger, string pipeline, string run, string task, int @try, string state, int currentTry);
}
