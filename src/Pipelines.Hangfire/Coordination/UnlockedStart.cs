using System;
using System.Collections.Generic;
using Hangfire;

namespace Pipelines.Hangfire;

/// <summary>
/// A try's start without the run's lock, on a storage that swaps a record beside it (<see cref="StorageLocks.SwapsOf"/>:
/// PostgreSQL's, and Hangfire.InMemory's in this process):
/// once no step holds the run's lock, and keeping steps out meanwhile, reads the task's record and the pipeline's pause,
/// judges the start with the same reasons as the locked step (<see cref="TaskReadiness.BlockingStart"/>), and swaps the
/// waiting record for the running one. Every run's step took the run's lock twice per task, once to start it and once to
/// end it; now only its end does, so a busy run's starts never queue behind each other, only behind a step in progress.
/// </summary>
/// <remarks>
/// <para>
/// It reads what the locked start reads (<see cref="CascadeScope.None"/>: the task's own record and the pause) at the
/// moment a locked start would, after the last step committed, with the clock read then, so it decides the same. Only a
/// start that may go ahead is taken here: a start that must not (stale, paused, not yet queued because the step that
/// created the job has not committed), a job delivered again while its try runs, and a try under slot limits (whose
/// admission writes the slot book) take the lock, which explains the decision in the log. The swap fails when another
/// delivery of the same job swapped the record first; the start then takes the lock too.
/// </para>
/// <para>
/// The start changes only what no count reads: a waiting try becomes running (no <see cref="UpstreamTally"/> count, no
/// finished task, no job, no event). It is not a coordination step and is not measured as one.
/// </para>
/// </remarks>
internal sealed class UnlockedStart
{
    private readonly JobStorage _storage;
    private readonly PipelinesOptions _options;

    public UnlockedStart(JobStorage storage, PipelinesOptions options)
    {
        _storage = storage;
        _options = options;
    }

    /// <summary>Whether starts can be taken without the run's lock on this storage.</summary>
    public bool Supported => StorageLocks.SwapsOf(_storage) is not null;

    /// <summary>
    /// The running task, or null when the start was not taken here and must take the run's lock.
    /// <paramref name="started"/> gives the running record of the waiting one, as the locked start writes it.
    /// <paramref name="run"/> is the run's record, read in the same round trip as the task's (the try reads it next).
    /// </summary>
    /// <exception cref="global::Hangfire.Storage.DistributedLockTimeoutException">A step held the run's lock longer than <see cref="PipelinesOptions.LockTimeout"/>.</exception>
    public TaskInstance? Begin(PipelineDefinition pipeline, string runId, string taskId, TryDelivery delivery, Func<RunWork, TaskInstance, TaskInstance> started, out RunRecord? run)
    {
        run = null;
        if (StorageLocks.SwapsOf(_storage) is not { } storage) return null;
        var tasksKey = PipelineStore.TasksKey(pipeline.Id, runId);
        var runKey = PipelineStore.RunKey(pipeline.Id, runId);
        using var swap = StorageLocks.BeginSwap(storage, PipelineStore.RunLock(pipeline.Id, runId), _options.LockTimeout, new[] { runKey },
            new[] { new KeyValuePair<string, string>(tasksKey, taskId), new(PipelinePause.Key, pipeline.Id) }, out var read);
        run = RunRecord.Of(read.GetValueOrDefault(runKey));
        var stored = read.TryGetValue(tasksKey, out var records) ? records.GetValueOrDefault(taskId) : null;
        // As the locked start: a task waits for a try only in a running run.
        var work = new RunWork(pipeline, runId, RunState.Running, key => key == taskId ? stored : null, _options.Clock.GetCurrentInstant())
        {
            Pause = PipelinePause.Parse(pipeline, read.TryGetValue(PipelinePause.Key, out var pauses) ? pauses.GetValueOrDefault(pipeline.Id) : null),
            MaxMapLength = _options.MaxMapLength,
        };
        var task = work[taskId];
        if (stored is null || !IsCurrentTry.IsWaiting(task.State)) return null;
        if (TryStart.Judge(work, taskId, delivery) is not null) return null;
        var running = started(work, task);
        if (running.State != TaskState.Running) return null;
        return swap.Swap(tasksKey, taskId, stored, PipelineStore.Serialize(running)) ? running : null;
    }
}
