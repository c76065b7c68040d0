using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// The runtime's entry to every change of a run. Each concern is its own type, as Hangfire splits its state machine:
/// the locked read-modify-commit step (<see cref="RunStep"/>), admission under MaxActiveRuns (<see cref="RunAdmission"/>),
/// the trigger-rule cascade (<see cref="RunCascade"/>), how a try's result moves its task (<see cref="TryOutcome"/>), a
/// try's start (<see cref="TryStart"/>), and repairs after a crash (<see cref="RunReconciliation"/>); each reason a task
/// may not run yet is a readiness type (<see cref="TaskReadiness"/>). This class wires them together.
/// </summary>
internal sealed class RunCoordinator
{
    private readonly JobStorage _storage;
    private readonly PipelinesOptions _options;
    private readonly ILogger<RunCoordinator> _logger;
    private readonly RunStep _step;
    private readonly TryStart _start;
    private readonly RunReconciliation _reconciliation;
    private readonly RunCompletions _completions = new();
    private readonly UnlockedEnd _unlockedEnd;

    /// <summary>
    /// The coordinator of <paramref name="storage"/>'s runs. Steps create their jobs with <paramref name="client"/>, or in
    /// their own transaction with Hangfire's filters as the app registered them (<paramref name="jobFilters"/>;
    /// <c>AddHangfire</c> registers them) where the storage allows and neither the client nor the factory beneath it
    /// (<paramref name="jobFactory"/>) is the app's own (<see cref="StepJobs"/>).
    /// </summary>
    public RunCoordinator(JobStorage storage, IBackgroundJobClient client, PipelinesOptions options, NotificationDispatcher notifications, ILogger<RunCoordinator> logger,
        global::Hangfire.Common.IJobFilterProvider? jobFilters = null, global::Hangfire.Client.IBackgroundJobFactory? jobFactory = null)
    {
        _storage = storage;
        _options = options;
        _logger = logger;
        // The records a step queued, which the tries' starts expect, kept where a start can swap from them in one go.
        var queued = new QueuedRecords(storage is IPipelineConditionalSwapStorage);
        _step = new RunStep(storage, new StepJobs(storage, client, jobFilters, jobFactory), options, notifications, queued);
        Slots = new SlotBook(storage, options);
        // The pause as the tries here last read it, which a start or an end swapping in one go expects.
        var pauses = new PausesRead();
        _start = new TryStart(this, storage, options, logger, queued, pauses);
        _unlockedEnd = new UnlockedEnd(storage, options, notifications, pauses);
        _reconciliation = new RunReconciliation(this, storage, options);
        // Hangfire.InMemory hands back the records it was given: the ones written here are found without parsing.
        if (storage is global::Hangfire.InMemory.InMemoryStorage) TaskRecordMemo.Enable();
    }

    public IClock Clock => _options.Clock;

    /// <summary>Where coordination problems are logged.</summary>
    public ILogger Logger => _logger;

    /// <summary>The slot bookkeeping of pools, MaxActiveTasks and MaxActiveTries (<see cref="SlotBook"/>).</summary>
    public SlotBook Slots { get; }

    /// <summary>
    /// Applies <paramref name="change"/> to the run under its lock (<see cref="RunStep"/>). The change returns false to
    /// leave the run untouched (a duplicate delivery, a stale try). Returns the work done, or null when nothing changed.
    /// A step that finishes the run gives its slot to the oldest waiting run.
    /// </summary>
    public RunWork? Update(PipelineDefinition pipeline, string runId, Func<RunWork, bool> change, CascadeScope cascade = CascadeScope.All, TimeSpan? lockTimeout = null, IReadOnlyCollection<string>? touches = null) =>
        Update(pipeline, runId, change, cascade, lockTimeout, lockTimeout, touches, null, null);

    /// <summary>
    /// As the public overload; the steps that queue what this one deferred wait <paramref name="deferredLockTimeout"/> for
    /// the lock, <paramref name="writeFirst"/> is written before the lock is waited for, and <paramref name="committed"/> is
    /// called once the step committed and released the lock, before the work that follows a step (<see cref="RunStep.Apply"/>).
    /// </summary>
    private RunWork? Update(PipelineDefinition pipeline, string runId, Func<RunWork, bool> change, CascadeScope cascade, TimeSpan? lockTimeout, TimeSpan? deferredLockTimeout,
        IReadOnlyCollection<string>? touches, HashFieldWrite? writeFirst, Action? committed)
    {
        var work = Step(pipeline, runId, change, cascade, lockTimeout, touches, writeFirst, committed);
        if (work is { Deferred.Count: > 0 }) QueueDeferred(pipeline, runId, work.Deferred, deferredLockTimeout);
        return work;
    }

    /// <summary>One step and what follows its commit (slots, waiting runs, the next run, asset consumers).</summary>
    private RunWork? Step(PipelineDefinition pipeline, string runId, Func<RunWork, bool> change, CascadeScope cascade, TimeSpan? lockTimeout, IReadOnlyCollection<string>? touches = null,
        HashFieldWrite? writeFirst = null, Action? committed = null, bool startsMeanwhile = false)
    {
        var stepStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        var work = _step.Apply(pipeline, runId, change, cascade, lockTimeout, touches, writeFirst, committed, startsMeanwhile);
        if (work is null) return null;
        PipelinesTelemetry.Stepped(work, stepStarted);
        ReleaseSlots(pipeline, runId, work);
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
                CoordinationLog.WaitingNotStarted(_logger, pipeline.Id, ex);
            }
        }
        if (PastDependence.Of(pipeline).MayRelease(work)) ReleaseNextRun(pipeline, runId);
        if (work.AssetEvents.Count > 0) JudgeAssetConsumers(pipeline, runId, work.AssetEvents);
        return work;
    }

    /// <summary>
    /// Cascades the run after <paramref name="runId"/> again, after a step of this run committed and released its lock
    /// (never one run's lock inside another's): a task of it that depends on past may now be queued. A failure is logged
    /// and left to the reconciler, whose pass cascades every running run.
    /// </summary>
    private void ReleaseNextRun(PipelineDefinition pipeline, string runId)
    {
        try
        {
            string? next;
            using (var connection = _storage.GetConnection()) next = RunOrder.Next(connection, pipeline.Id, runId);
            if (next is not null) Update(pipeline, next, work => work.RunState == RunState.Running);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            CoordinationLog.NextRunNotReleased(_logger, pipeline.Id, runId, ex);
        }
    }

    /// <summary>
    /// Queues the tasks (and mapped tasks' instances) a step decided to run beyond its job budget
    /// (<see cref="PipelinesOptions.MaxJobsPerStep"/>), a budget per step, highest priority first, in a loop of steps
    /// (never nested: a mapped task over budget again goes back to the end of the list). Each step judges them again: a
    /// run paused or finished meanwhile queues nothing. Between these steps the run's lock is free, so the first tasks'
    /// workers start and finish. The steps wait for the lock as long as the first one did (the reconciler's short
    /// timeout stays short). A failure is logged: the tasks are undecided with their rule met, and the reconciler's
    /// cascade queues them. The joins that ends applied beside the lock completed (<see cref="UnlockedEnd"/>) are decided
    /// the same way.
    /// </summary>
    private void QueueDeferred(PipelineDefinition pipeline, string runId, IReadOnlyList<int> deferred, TimeSpan? lockTimeout)
    {
        try
        {
            var budget = _options.MaxJobsPerStep;
            var pending = new Queue<int>(deferred);
            while (pending.Count > 0)
            {
                var chunk = new List<int>(budget);
                while (chunk.Count < budget && pending.TryDequeue(out var next)) chunk.Add(next);
                // A chunk of tasks decides only undecided tasks, and its cascade decides only undecided ones too, so no
                // record it writes is one a start swaps (a waiting try's): the run's tries start meanwhile, and a
                // fan-out's first tries no longer wait for every budget of its jobs. What else it writes (the run's
                // counts, in its record and its tally) no start reads or writes. The cascade's settling of a mapped task
                // downstream reads its instances' states, which starts move from waiting to running, but tells only
                // undecided, unfinished and finished apart, which a start does not change. A chunk with a mapped task of
                // its own expands or queues its instances and keeps starts out, as every other step does.
                var plain = chunk.TrueForAll(i => pipeline.Tasks[i].MapOver is null);
                var work = Step(pipeline, runId, work =>
                {
                    if (work.RunState != RunState.Running) return false;
                    // A task decides; a mapped task queues its undecided instances (those over budget defer again).
                    foreach (var index in chunk)
                        if (!RunCascade.Decide(work, index)) MappedTask.Settle(work, index);
                    // A task left for a following step (over the budget) changes nothing, but must stay listed.
                    return work.Changed.Any() || work.Deferred.Count > 0;
                }, CascadeScope.Changed, lockTimeout, chunk.ConvertAll(i => pipeline.Tasks[i].Id), startsMeanwhile: plain);
                if (work is null) continue;
                foreach (var again in work.Deferred)
                    if (!pending.Contains(again)) pending.Enqueue(again);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            CoordinationLog.DeferredNotQueued(_logger, pipeline.Id, runId, ex);
        }
    }

    /// <summary>Starts pipelines scheduled on assets; set by <see cref="PipelineOperations"/>, which creates their runs.</summary>
    internal AssetTriggers? Assets { get; set; }

    /// <summary>
    /// Judges the consumers of assets a committed step produced, after its lock is released. A failure is logged: the
    /// events are stored and listed as unjudged, and the reconciler's next pass judges them.
    /// </summary>
    private void JudgeAssetConsumers(PipelineDefinition pipeline, string runId, IReadOnlyList<AssetEvent> events)
    {
        try
        {
            Assets?.Judge(events);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            CoordinationLog.AssetConsumersNotJudged(_logger, pipeline.Id, runId, ex);
        }
    }

    /// <summary>Starts waiting runs of a pipeline while it has free slots under MaxActiveRuns. Never called under a run lock.</summary>
    public void StartWaitingRuns(PipelineDefinition pipeline)
    {
        IReadOnlyList<string> started;
        using (var connection = _storage.GetConnection())
        using (StorageLocks.Acquire(_storage, connection, PipelineStore.PipelineLock(pipeline.Id), _options.LockTimeout))
        {
            using var transaction = connection.CreateWriteTransaction();
            started = RunAdmission.AdmitWaiting(connection, transaction, pipeline, _options.Clock.GetCurrentInstant());
            if (started.Count == 0) return;
            transaction.Commit();
        }
        foreach (var runId in started) Update(pipeline, runId, _ => true);
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
            if (PipelineStore.ReadRunRecord(connection, pipeline.Id, runId)?.State is not { } state || !state.IsFinished()) return;
            var now = _options.Clock.GetCurrentInstant();
            using var transaction = connection.CreateWriteTransaction();
            // Nothing to run again (the operator's change left every task done): the run stays finished, with the outcome
            // its tasks now give (marking its only failed task success makes a failed run a success).
            var records = PipelineStore.ReadTaskRecords(connection, pipeline.Id, runId);
            if (PipelineStore.AllTerminal(pipeline, records))
            {
                var (outcome, _) = RunOutcome.Of(pipeline, i => records.TryGetValue(pipeline.Tasks[i].Id, out var r) ? PipelineStore.StateOf(r) : TaskState.None);
                if (outcome != state) PipelineStore.SetRunState(transaction, pipeline.Id, runId, outcome, endedAt: now);
                transaction.RemoveFromSet(PipelineStore.UnfinishedKey, PipelineStore.UnfinishedMember(pipeline.Id, runId));
                transaction.Commit();
                return;
            }
            start = RunAdmission.HasFreeSlot(connection, pipeline);
            PipelineStore.SetRunState(transaction, pipeline.Id, runId, start ? RunState.Running : RunState.Queued);
            transaction.AddToSet(PipelineStore.UnfinishedKey, PipelineStore.UnfinishedMember(pipeline.Id, runId));
            RunAdmission.Enter(transaction, pipeline, runId, start, now);
            transaction.Commit();
        }
        if (start) Update(pipeline, runId, _ => true);
    }

    /// <summary>
    /// The reconciler's slot repair: holders whose task no longer runs or waits for that try are removed, and waiters
    /// that now fit (a wake-up lost in a crash, or a pool given more slots) are woken.
    /// </summary>
    public void RepairSlots() => SlotRelease.Wake(this, Slots.Repair((connection, pipelineId, runId, taskId, tryNumber) => SlotRelease.StillHolds(this, connection, pipelineId, runId, taskId, tryNumber)));

    internal PipelinesOptions Options => _options;

    /// <summary>Repairs a run left inconsistent by a crash between two steps (<see cref="RunReconciliation"/>).</summary>
    public RunWork? Reconcile(PipelineDefinition pipeline, string runId) => _reconciliation.Reconcile(pipeline, runId);

    /// <summary>Whether a running try's execution is dead (<see cref="TryLiveness"/>).</summary>
    internal bool IsDead(global::Hangfire.Storage.IStorageConnection connection, PipelineDefinition pipeline, string runId, TaskInstance task, Instant now, out Instant lastHeard) =>
        TryLiveness.IsDead(connection, _options, pipeline, runId, task, now, out lastHeard);

    /// <summary>
    /// Marks a try as running if <paramref name="jobId"/> is the job its task expects now: the running task, or null when
    /// the job must not run (a stale or duplicate delivery, or a redelivery whose try had already ended and is now applied).
    /// Only the newest job of the current try may start it (<see cref="IsCurrentTry"/>). A job delivered again while its
    /// try is running runs the try again only when the try's execution is dead (<see cref="TryStart"/>).
    /// </summary>
    public TaskInstance? BeginTry(PipelineDefinition pipeline, string runId, string taskId, int tryNumber, string? jobId, string? serverId, CancellationToken cancellationToken = default) =>
        _start.Begin(pipeline, runId, taskId, tryNumber, jobId, serverId, cancellationToken, out _);

    /// <summary>As <see cref="BeginTry(PipelineDefinition, string, string, int, string?, string?, CancellationToken)"/>, also giving the run's record when the start read it (else null: read it).</summary>
    public TaskInstance? BeginTry(PipelineDefinition pipeline, string runId, string taskId, int tryNumber, string? jobId, string? serverId, CancellationToken cancellationToken, out RunRecord? run) =>
        _start.Begin(pipeline, runId, taskId, tryNumber, jobId, serverId, cancellationToken, out run);

    /// <summary>
    /// Records how a try ended and moves the run on. Returns the task's new state, or null for a stale completion (the
    /// task was cleared, or another execution now runs the try). <paramref name="execution"/> is the token
    /// <see cref="BeginTry(PipelineDefinition, string, string, int, string?, string?, CancellationToken)"/> gave this execution.
    /// </summary>
    public TaskInstance? CompleteTry(PipelineDefinition pipeline, string runId, string taskId, int tryNumber, string? jobId, string? execution, TryResult result) =>
        CompleteTries(pipeline, runId, new[] { new EndedTry(taskId, tryNumber, jobId, execution, result) }, onlyIfFree: false, writeFirst: null, committed: null)[0];

    /// <summary>
    /// A try's first attempt to apply its end: as <see cref="CompleteTry"/>, keeping the result before the step waits for
    /// the run's lock. Where the lock lives in the process (<see cref="StorageLocks.AreInProcess"/>), with the ends of this
    /// run's other tries that end on this server meanwhile, in one step (<see cref="RunCompletions"/>): the step first asks
    /// for the lock without waiting, and when it is free keeps the results in the step itself (one write); when it is busy
    /// the results are kept in one write, then the lock is waited for. On a storage that adds counts beside the lock
    /// (<see cref="IPipelineCountingSwapStorage"/>: PostgreSQL's), an end that changes only its own record and its join's
    /// counts is applied beside the run's lock (<see cref="UnlockedEnd"/>), with the ends of the run's other tries on every
    /// server, its result kept in the round trip that asks for the lock. Elsewhere, and for every other end, each try's end is a step of its own, which
    /// keeps its result in the round trip that asks for the lock where the storage can (<see cref="RunStep.Apply"/>; asking
    /// a database's lock first costs a round trip whenever it is busy): a database already hands its lock from one waiting
    /// step to the next, and combining there gained nothing (many runs on PostgreSQL, 134/129 against 134/130 tasks/s) while
    /// a try waiting for another's step would wait with its result not yet kept. Either way, a
    /// <see cref="DistributedLockTimeoutException"/> on the run's lock means the wait timed out after the result was kept.
    /// </summary>
    public TaskInstance? CompleteTryTogether(PipelineDefinition pipeline, string runId, EndedTry end)
    {
        if (!StorageLocks.AreInProcess(_storage))
        {
            var kept = RecordedResults.Write(pipeline.Id, runId, end.TaskId, end.TryNumber, end.Execution, end.Result);
            if (_unlockedEnd.MayApply(pipeline, end.TaskId))
            {
                if (_unlockedEnd.Apply(pipeline, runId, end, kept, out var toDecide) is { } work)
                {
                    Unlocked(pipeline, runId, work, toDecide);
                    return work[end.TaskId];
                }
                // Kept by the attempt: the locked step need not keep it again.
                kept = null;
            }
            return CompleteTries(pipeline, runId, new[] { end }, onlyIfFree: false, kept, committed: null)[0];
        }
        return _completions.Apply(PipelineStore.RunLock(pipeline.Id, runId), end, (ends, committed) =>
        {
            try
            {
                return CompleteTries(pipeline, runId, ends, onlyIfFree: true, writeFirst: null, committed);
            }
            catch (DistributedLockTimeoutException busy) when (busy.Resource == PipelineStore.RunLock(pipeline.Id, runId))
            {
                RecordedResults.Record(_storage, pipeline.Id, runId, ends);
                return CompleteTries(pipeline, runId, ends, onlyIfFree: false, writeFirst: null, committed);
            }
        });
    }

    /// <summary>
    /// What follows a try's end applied beside the run's lock (<see cref="UnlockedEnd"/>), as what follows a step: the
    /// task it finished is measured (not as a step: it took no lock), the try's slots go to the waiters that fit, and the
    /// downstream tasks its counts now decide are decided by locked steps (as a step's tasks over its job budget are,
    /// <see cref="QueueDeferred"/>; a failure leaves them to the reconciler's cascade).
    /// </summary>
    private void Unlocked(PipelineDefinition pipeline, string runId, RunWork work, IReadOnlyList<int> toDecide)
    {
        PipelinesTelemetry.Changed(work);
        ReleaseSlots(pipeline, runId, work);
        if (toDecide.Count > 0) QueueDeferred(pipeline, runId, toDecide, null);
    }

    /// <summary>
    /// Gives the slots of tries that stopped running in a committed change to the waiters that fit (a crash in between
    /// leaves a holder too many, which the reconciler removes, never one too few).
    /// </summary>
    private void ReleaseSlots(PipelineDefinition pipeline, string runId, RunWork work)
    {
        try
        {
            SlotRelease.Run(this, work);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            CoordinationLog.SlotsNotReleased(_logger, pipeline.Id, runId, ex);
        }
    }

    /// <summary>The tries of this server waiting to be applied together (<see cref="RunCompletions"/>).</summary>
    internal RunCompletions Completions => _completions;

    /// <summary>
    /// Applies the ends of tries of one run in one step, each as <see cref="CompleteTry"/> would on its own (a stale one is
    /// passed over and gives null); returns each try's task as the step left it. With <paramref name="onlyIfFree"/> only if
    /// the run's lock is free now (<see cref="DistributedLockTimeoutException"/> otherwise; the steps that queue what this one
    /// deferred wait for it as usual); <paramref name="writeFirst"/>, a single try's result, is kept before the lock is waited for.
    /// <paramref name="committed"/> is given the tries' tasks once the step committed and released the run's lock.
    /// </summary>
    private TaskInstance?[] CompleteTries(PipelineDefinition pipeline, string runId, IReadOnlyList<EndedTry> ends, bool onlyIfFree, HashFieldWrite? writeFirst,
        Action<TaskInstance?[]>? committed)
    {
        var finals = new TaskInstance?[ends.Count];
        var touches = new List<string>(ends.Count);
        foreach (var end in ends)
            if (!touches.Contains(end.TaskId)) touches.Add(end.TaskId);
        Update(pipeline, runId, work =>
        {
            var applied = false;
            for (var i = 0; i < ends.Count; i++)
            {
                finals[i] = Apply(work, ends[i]);
                applied |= finals[i] is not null;
            }
            return applied;
        }, CascadeScope.Changed, onlyIfFree ? TimeSpan.Zero : null, null, touches, writeFirst, committed is null ? null : () => committed(finals));
        return finals;

        TaskInstance? Apply(RunWork work, EndedTry end)
        {
            if (TryEnd.Apply(work, end) is { } final) return final;
            var task = work[end.TaskId];
            CoordinationLog.Stale(_logger, pipeline.Id, runId, end.TaskId, end.TryNumber, task.State.Name(), task.TryNumber);
            return null;
        }
    }

    /// <summary>Applies the kept result of a task's running try, if there is one: the same step as <see cref="CompleteTry"/>.</summary>
    public TaskInstance? CompleteRecorded(PipelineDefinition pipeline, string runId, string taskId)
    {
        RecordedResults.Recorded? recorded;
        using (var connection = _storage.GetConnection()) recorded = RecordedResults.Read(connection, pipeline.Id, runId, taskId);
        return recorded is null ? null : CompleteTry(pipeline, runId, taskId, recorded.TryNumber, null, recorded.Execution, recorded.Result);
    }
}
