using System.Collections.Generic;
using System.Linq;
using Hangfire;
using Hangfire.States;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// Repairs a run left inconsistent by a crash between two steps: a try whose result was kept but not applied gets it
/// applied; a running try that is dead (<see cref="TryLiveness"/>) and whose job has ended without a result has failed,
/// unless the storage ended it (<see cref="TryStorageUnavailableException.EndedJob"/>), when the same try runs again;
/// tasks that should have a job but whose job is gone or ended get a new one; and trigger rules are evaluated again
/// (which also finishes a run whose tasks are all done). A run whose lock is busy is left to the next pass
/// (<see cref="global::Hangfire.Storage.DistributedLockTimeoutException"/>) rather than waited for.
/// </summary>
internal sealed class RunReconciliation
{
    private readonly RunCoordinator _coordinator;
    private readonly JobStorage _storage;
    private readonly PipelinesOptions _options;

    public RunReconciliation(RunCoordinator coordinator, JobStorage storage, PipelinesOptions options)
    {
        _coordinator = coordinator;
        _storage = storage;
        _options = options;
    }

    public RunWork? Reconcile(PipelineDefinition pipeline, string runId)
    {
        var cutoff = _options.Clock.GetCurrentInstant() - Duration.FromTimeSpan(_options.ReconcileAfter);
        var finished = false;
        using var jobs = _storage.GetConnection();
        var step = _coordinator.Update(pipeline, runId, work =>
        {
            finished = work.RunState.IsFinished();
            if (work.RunState != RunState.Running) return false;
            Dictionary<string, RecordedResults.Recorded>? recorded = null;
            List<SlotWaiter>? slotWaiters = null;
            foreach (var task in work.All.ToList())
            {
                if (task.State == TaskState.Running)
                {
                    // The job's state is read before the kept results: a job that ended had kept its result by then.
                    var runningJob = task.CurrentJobId is { } rid ? jobs.GetJobData(rid)?.State : null;
                    recorded ??= RecordedResults.ReadAll(jobs, pipeline.Id, runId);
                    if (recorded.TryGetValue(task.TaskId, out var result) && result.IsOf(task))
                    {
                        // A job still processing and still heard from applies its own result in a moment (it keeps the
                        // result just before it takes the run's lock); applying it here first would make the job's own
                        // completion stale, and its span would never learn the state the try led to. A job that ended,
                        // or an execution gone silent (its server died), gets it applied here.
                        if (runningJob == ProcessingState.StateName && !TryLiveness.IsDead(jobs, _options, pipeline, runId, task, work.Now, out _)) continue;
                        TryOutcome.Apply(work, work.DefinitionOf(task.TaskId), task, result.Result);
                        continue;
                    }
                    if (!Ended(runningJob) || !TryLiveness.IsDead(jobs, _options, pipeline, runId, task, work.Now, out var lastHeard)) continue;
                    if (task.CurrentJobId is { } abandonedJob && StorageEndedInARow(jobs, task) is var ended and > 0)
                    {
                        if (ended >= StorageRunsLimit)
                        {
                            // A storage that answers the reconciler but never the try (an output too large to read within
                            // the database's command timeout) would run it again at every pass: the try fails instead.
                            TryOutcome.Apply(work, work.DefinitionOf(task.TaskId), task, TryResult.Failed($"its last {ended} jobs (the last {abandonedJob}) each ended without a result because the storage did not answer the try, while it answered the reconciler; the try is not run a {Ordinal(ended + 1)} time"));
                            continue;
                        }
                        // The storage did not answer the try (a database restart): not the task's failure, so the same
                        // try runs again, with a new job whose start finds this execution dead, as a job Hangfire
                        // delivers again after a crash does.
                        work.Set(task with { Reason = $"Re-enqueued by the reconciler: try {task.TryNumber}'s job {abandonedJob} ended without a result because the storage did not answer; the try runs again. " + task.Reason });
                        work.Jobs.Add(new PendingJob(task.TaskId, task.TryNumber, null));
                        continue;
                    }
                    TryOutcome.Apply(work, work.DefinitionOf(task.TaskId), task, TryResult.Failed($"its job {task.CurrentJobId ?? "(none)"} ended ({runningJob ?? "missing"}) without recording a result; the try was last heard from at {PipelineStore.Format(lastHeard)}"));
                    continue;
                }
                // A paused pipeline's waiting tasks keep their ended jobs: unpausing gives them new ones.
                if (!IsCurrentTry.IsWaiting(task.State) || work.Pause.Paused) continue;
                var jobState = task.CurrentJobId is { } id ? jobs.GetJobData(id)?.State : null;
                if (!Ended(jobState) || (task.End ?? task.Start ?? Instant.MinValue) > cutoff && jobState is not null) continue;
                // A task waiting for pool or concurrency slots is woken by the slot bookkeeping when they free (and by
                // its repair when a wake-up was lost), not by a new job every pass.
                if (SlotLimit.Any(pipeline, work.DefinitionOf(task.TaskId), _options)
                    && (slotWaiters ??= SlotBook.Waiters(jobs)).Any(w => w.IsOf(pipeline.Id, runId, task.TaskId) && w.TryNumber == task.TryNumber)) continue;
                work.Set(task with { Reason = $"Re-enqueued by the reconciler: its job {(task.CurrentJobId ?? "(none)")} was {(jobState ?? "missing")}. " + task.Reason });
                // A retry or a poke keeps its wait: the new job is due when the lost one was.
                var due = TaskReadiness.StartDue(work.DefinitionOf(task.TaskId), task, work.Now);
                work.Jobs.Add(new PendingJob(task.TaskId, task.TryNumber, due > work.Now ? due - work.Now : null));
            }
            return true;
        }, lockTimeout: _options.ReconcilerLockTimeout);
        // A finished run listed as unfinished: an operator's clear or mark whose reopening did not happen.
        if (finished) _coordinator.Reopen(pipeline, runId);
        return step;
    }

    /// <summary>The most jobs in a row of one try that the storage may end (<see cref="TryStorageUnavailableException.EndedJob"/>) before the try fails.</summary>
    public const int StorageRunsLimit = 5;

    /// <summary>
    /// How many of the current try's newest jobs in a row the storage ended, its current job first: those that ended while
    /// the try ran and those whose start could not be recorded (the try waited for a new job), as either is the storage
    /// failing the try while it answers the reconciler.
    /// </summary>
    private static int StorageEndedInARow(global::Hangfire.Storage.IStorageConnection jobs, TaskInstance task)
    {
        var count = 0;
        if (task.JobIds.IsDefault) return 0;
        for (var i = task.JobIds.Length - 1; i >= 0 && count < StorageRunsLimit; i--)
        {
            var id = task.JobIds[i];
            if (!TryStorageUnavailableException.EndedJob(jobs, id)) break;
            // A retry's first jobs follow the jobs of the try before it, which the storage may have ended too (a job whose
            // arguments cannot be read is the task's job all the same, and counts).
            if (jobs.GetJobData(id)?.Job is { } job && TryJob.TryRead(job, out var tryJob) && tryJob.Value.TryNumber != task.TryNumber) break;
            count++;
        }
        return count;
    }

    private static string Ordinal(int n) => n switch { 1 => "1st", 2 => "2nd", 3 => "3rd", _ => $"{n}th" };

    /// <summary>Whether a Hangfire job is gone or will not run again (null: missing).</summary>
    private static bool Ended(string? jobState) =>
        jobState is null || jobState == DeletedState.StateName || jobState == SucceededState.StateName || jobState == FailedState.StateName;
}
