using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Hangfire;
using Hangfire.Storage;

namespace Pipelines.Hangfire;

/// <summary>
/// The locked read-modify-commit step every change to a run goes through: under the run's storage lock, read the task
/// instances, apply the change, cascade trigger rules (<see cref="RunCascade"/>), create a Hangfire job for each task
/// that became ready, and write everything in one transaction, exactly once however many servers finish parents at once.
/// </summary>
internal sealed class RunStep
{
    private readonly JobStorage _storage;
    private readonly StepJobs _jobs;
    private readonly PipelinesOptions _options;
    private readonly NotificationDispatcher _notifications;
    private readonly QueuedRecords _queued;

    public RunStep(JobStorage storage, StepJobs jobs, PipelinesOptions options, NotificationDispatcher notifications, QueuedRecords queued)
    {
        _storage = storage;
        _jobs = jobs;
        _options = options;
        _notifications = notifications;
        _queued = queued;
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the run under its lock. The change returns false to leave the run untouched
    /// (a duplicate delivery, a stale try). Returns the work done, or null when nothing changed. The tasks (or mapped
    /// instances) the change reads and writes, when the caller knows them (<paramref name="touches"/>), are read with the
    /// run in the round trip that takes the lock where the storage can (<see cref="StepReads"/>).
    /// </summary>
    /// <remarks>
    /// <paramref name="writeFirst"/>, when given, is written before the lock is waited for (a try's result, which must not
    /// depend on getting the lock): in the round trip that asks for the lock where the storage can, otherwise in a write
    /// of its own just before. <paramref name="committed"/>, when given, is called once the step committed and released the
    /// lock (not when the change left the run untouched, nor when the step failed). With <paramref name="startsMeanwhile"/>
    /// the step changes only undecided tasks, whose records no try's start swaps (and the run's counts, which a start does
    /// not use), and lets tries start without the run's lock meanwhile (<see cref="UnlockedStart"/>) where the lock lives
    /// in this process.
    /// </remarks>
    public RunWork? Apply(PipelineDefinition pipeline, string runId, Func<RunWork, bool> change, CascadeScope cascade, TimeSpan? lockTimeout, IReadOnlyCollection<string>? touches = null,
        HashFieldWrite? writeFirst = null, Action? committed = null, bool startsMeanwhile = false)
    {
        RunWork work;
        var reads = StepReads.Plan(_storage, pipeline, runId, cascade, touches);
        var resource = PipelineStore.RunLock(pipeline.Id, runId);
        var timeout = lockTimeout ?? _options.LockTimeout;
        using var connection = _storage.GetConnection();
        if (reads is null && writeFirst is not null)
        {
            using var first = connection.CreateWriteTransaction();
            first.SetRangeInHash(writeFirst.Key, new[] { new KeyValuePair<string, string>(writeFirst.Field, writeFirst.Value) });
            first.Commit();
        }
        IReadOnlyList<PipelineEvent> stored;
        using (var held = reads?.Lock(resource, timeout, writeFirst) ?? StorageLocks.Acquire(_storage, connection, resource, timeout, swapsMeanwhile: startsMeanwhile))
        {
            // A try starting reads only its own task's record: a task is queued only in a running run (a queued run's tasks
            // are undecided, a finished run's are terminal), so the task's state alone says whether it may start. A try
            // ending (and the steps that queue what a step left over its job budget, or fail a try that cannot start)
            // reads the run, its task and what it touches downstream, judging joins by the run's counts (UpstreamTally)
            // once the run was counted whole. Every other step (a run's start, an operator's change, a repair) reads
            // every task record and counts the run again.
            var tasks = new StoredHash(connection, PipelineStore.TasksKey(pipeline.Id, runId));
            reads?.Prime(tasks);
            // The run's record, when read, also holds its count of finished tasks.
            var run = cascade == CascadeScope.None ? null
                : (reads is null ? PipelineStore.ReadRunRecord(connection, pipeline.Id, runId) : RunRecord.Of(reads.Whole(PipelineStore.RunKey(pipeline.Id, runId))))
                  ?? throw new KeyNotFoundException($"Pipeline '{pipeline.Id}' has no run '{runId}'.");
            var counts = new StoredHash(connection, PipelineStore.TallyKey(pipeline.Id, runId));
            reads?.Prime(counts);
            var tally = new UpstreamTally(pipeline, counts, new StoredHash(connection, PipelineStore.RunKey(pipeline.Id, runId), run?.Fields));
            RunState runState;
            RunFacts facts = default;
            var counted = false;
            if (run is null)
            {
                runState = RunState.Running;
            }
            else
            {
                runState = run.State ?? throw new KeyNotFoundException($"Run '{runId}' of pipeline '{pipeline.Id}' has no state.");
                facts = run.Facts;
                counted = cascade == CascadeScope.Changed && tally.IsCounted;
                if (!counted) tasks.Fetch();
            }
            Func<string, string?> records = tasks.Get;
            work = new RunWork(pipeline, runId, runState, records, _options.Clock.GetCurrentInstant())
            {
                Facts = facts,
                Pause = reads?.Pause(pipeline) ?? PipelinePause.Read(connection, pipeline),
                // A mapped task's expansion reads its upstream's collection under this lock (only then).
                StoredOutput = taskId => PipelineStore.GetOutput(connection, pipeline.Id, runId, taskId),
                MaxMapLength = _options.MaxMapLength,
                JobBudget = _options.MaxJobsPerStep,
                // Read (without the other run's lock) only when a task that depends on past is judged for queueing.
                PreviousRun = run is not null && PastDependence.Of(pipeline).Any ? new Lazy<PreviousRun?>(() => RunOrder.Previous(connection, pipeline.Id, runId, run)) : null,
                Tally = tally,
                Counted = counted,
            };

            if (!change(work)) return null;
            if (work.RunState == RunState.Running && cascade != CascadeScope.None) RunCascade.Run(work, cascade);

            // The jobs are created with the transaction that records them (StepJobs): in it where the storage allows,
            // otherwise just before it commits. Tasks that became ready together are queued highest priority weight
            // first, so scarce workers take them in that order (a stable sort: equal weights keep the cascade's
            // topological order).
            if (work.Jobs.Count > 1)
            {
                var ordered = work.Jobs.OrderByDescending(j => pipeline.PriorityWeightOf(MapKey.Definition(pipeline, j.TaskId))).ToList();
                work.Jobs.Clear();
                work.Jobs.AddRange(ordered);
            }
            DeferOverBudget(work);
            using var transaction = StorageWrites.Begin(_storage, connection, held);
            var jobIds = _jobs.Create(pipeline, runId, work.Facts, work.Jobs, connection, transaction);
            var links = new List<(string JobId, PipelineTaskState State)>(work.Jobs.Count);
            for (var i = 0; i < jobIds.Length; i++)
            {
                var pending = work.Jobs[i];
                links.Add((jobIds[i], new PipelineTaskState(pipeline.Id, runId, pending.TaskId, pending.TryNumber)));
                var task = work[pending.TaskId];
                work.Set(task with { JobIds = task.JobIds.IsDefault ? ImmutableArray.Create(jobIds[i]) : task.JobIds.Add(jobIds[i]) });
            }

            // A run created for one process's queue returns to the servers' queues when it finishes (a later clear runs
            // on the fleet) or when that process hands it back.
            if (facts.Queue is not null && (work.Facts.Queue is null || work.RunStateChanged && work.RunState.IsFinished()))
                PipelineStore.SetRunQueue(transaction, pipeline.Id, runId, null);
            var written = PipelineStore.WriteTasks(transaction, pipeline.Id, runId, work.Changed);
            if (cascade == CascadeScope.None || counted) tally.WriteMoved(transaction);
            else tally.WriteCounted(transaction, work.StateOf, work.InstanceStatesOf);
            foreach (var (taskId, json) in work.Outputs) PipelineStore.SetOutput(transaction, pipeline.Id, runId, taskId, json);
            foreach (var assetEvent in work.AssetEvents) AssetStore.Write(transaction, assetEvent);
            if (work.RunStateChanged)
            {
                var finished = work.RunState.IsFinished();
                PipelineStore.SetRunState(transaction, pipeline.Id, runId, work.RunState, endedAt: finished ? work.Now : null);
                if (finished)
                {
                    RunAdmission.Leave(transaction, pipeline, runId);
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
            stored = _notifications.Store(transaction, work.Events);
            transaction.Commit();
            Remember(pipeline.Id, runId, work.Jobs, written);
        }

        committed?.Invoke();
        _notifications.Publish(stored);
        return work;
    }

    /// <summary>
    /// Keeps the committed records of the tasks this step queued, which their tries' starts expect
    /// (<see cref="QueuedRecords"/>), and forgets those kept before for the other tasks it wrote.
    /// </summary>
    private void Remember(string pipelineId, string runId, List<PendingJob> jobs, List<KeyValuePair<string, string>> written)
    {
        if (!_queued.Enabled) return;
        HashSet<string>? queued = null;
        if (jobs.Count > 1)
        {
            queued = new HashSet<string>(jobs.Count, StringComparer.Ordinal);
            foreach (var job in jobs) queued.Add(job.TaskId);
        }
        foreach (var (taskId, record) in written)
        {
            if (queued?.Contains(taskId) ?? (jobs.Count == 1 && jobs[0].TaskId == taskId)) _queued.Keep(pipelineId, runId, taskId, record);
            else _queued.Forget(pipelineId, runId, taskId);
        }
    }

    /// <summary>
    /// Leaves the tasks this step's cascade decided to run beyond <see cref="PipelinesOptions.MaxJobsPerStep"/> (the lowest priority weights,
    /// as the jobs are ordered) undecided again, listed in <see cref="RunWork.Deferred"/> in priority order (a mapped
    /// task once for its instances): the coordinator queues them in the following steps, a budget each, and the
    /// reconciler's cascade would too. Jobs a change asked for (a retry, a repair) are always created. A task the cascade
    /// could already tell it would leave so (<see cref="RunWork.OverJobBudget"/>) it left undecided at once; the list
    /// holds both, in priority order. The budget is the step's <see cref="RunWork.JobBudget"/>.
    /// </summary>
    private static void DeferOverBudget(RunWork work)
    {
        if (work.JobBudget is not { } budget) return;
        if (work.Jobs.Count > budget) KeepBudget(work, budget);
        // Tasks the cascade left undecided at once (RunWork.OverJobBudget) and those taken back here, in the order the
        // following steps queue them: highest weight first, then topological (the order of the jobs kept above).
        if (work.Deferred.Count > 1)
        {
            var ordered = work.Deferred.OrderByDescending(i => work.Pipeline.PriorityWeightOf(work.Pipeline.Tasks[i])).ThenBy(i => i).ToList();
            work.Deferred.Clear();
            work.Deferred.AddRange(ordered);
        }
    }

    private static void KeepBudget(RunWork work, int budget)
    {
        var kept = new List<PendingJob>(budget);
        foreach (var job in work.Jobs)
        {
            if (kept.Count < budget || job.DecidedFrom is not { } undecided)
            {
                kept.Add(job);
                continue;
            }
            // As it was just before the cascade queued it (an operator's clear earlier in this step made it undecided).
            // A mapped instance is queued again by its mapped task's settling (MappedTask.Settle), which the following
            // steps run for the mapped task.
            var index = MapKey.Definition(work.Pipeline, job.TaskId).Index;
            if (MapKey.TryParse(job.TaskId, out _, out _)) work.UndoInstance(job.TaskId, undecided);
            else work.Undo(index, undecided);
            work.Defer(index);
        }
        work.Jobs.Clear();
        work.Jobs.AddRange(kept);
    }
}
