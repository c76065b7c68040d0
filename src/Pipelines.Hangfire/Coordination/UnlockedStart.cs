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
/// delivery of the same job swapped the record first; the start then takes the lock too. A start that expects what it
/// would read (see <see cref="Begin"/>) reads the clock just before its one round trip, not after the lock is free.
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
    private readonly QueuedRecords _queued;
    private readonly PausesRead _pauses;

    public UnlockedStart(JobStorage storage, PipelinesOptions options, QueuedRecords queued, PausesRead pauses)
    {
        _storage = storage;
        _options = options;
        _queued = queued;
        _pauses = pauses;
    }

    /// <summary>Whether starts can be taken without the run's lock on this storage.</summary>
    public bool Supported => StorageLocks.SwapsOf(_storage) is not null;

    /// <summary>
    /// The running task, or null when the start was not taken here and must take the run's lock.
    /// <paramref name="started"/> gives the running record of the waiting one, as the locked start writes it.
    /// <paramref name="run"/> is the run's record, read in the same round trip as the task's (the try reads it next).
    /// </summary>
    /// <remarks>
    /// Where the storage swaps in one go (<see cref="IPipelineConditionalSwapStorage"/>) and this process's step queued the
    /// task (<see cref="QueuedRecords"/>), the start is judged on the record that step committed and the pause as a start or
    /// end here last read it (<see cref="PausesRead"/>), and swapped in one round trip only where both are still what is
    /// stored: the same decision a start that read them would make. Otherwise, or when either changed, it reads them first.
    /// </remarks>
    /// <exception cref="global::Hangfire.Storage.DistributedLockTimeoutException">A step held the run's lock longer than <see cref="PipelinesOptions.LockTimeout"/>.</exception>
    public TaskInstance? Begin(PipelineDefinition pipeline, string runId, string taskId, TryDelivery delivery, Func<RunWork, TaskInstance, TaskInstance> started, out RunRecord? run)
    {
        run = null;
        if (StorageLocks.SwapsOf(_storage) is not { } storage) return null;
        var tasksKey = PipelineStore.TasksKey(pipeline.Id, runId);
        var runKey = PipelineStore.RunKey(pipeline.Id, runId);
        var resource = PipelineStore.RunLock(pipeline.Id, runId);
        var pauseField = new KeyValuePair<string, string>(PipelinePause.Key, pipeline.Id);
        if (_storage is IPipelineConditionalSwapStorage conditional && _queued.Take(pipeline.Id, runId, taskId) is { } expected
            && _pauses.TryGet(pipeline.Id, out var pause)
            && Judge(pipeline, runId, taskId, delivery, expected, pause, started) is { } running)
        {
            var swapped = StorageLocks.SwapIf(conditional, resource, _options.LockTimeout, null, new HashFieldWrite(tasksKey, taskId, PipelineStore.Serialize(running)), expected,
                new[] { PausesRead.Unchanged(pipeline.Id, pause) }, [], [], new[] { runKey }, new[] { pauseField }, out var after);
            _pauses.Saw(pipeline.Id, after);
            if (swapped is not null)
            {
                run = RunRecord.Of(after.GetValueOrDefault(runKey));
                return running;
            }
        }

        using var swap = StorageLocks.BeginSwap(storage, resource, _options.LockTimeout, new[] { runKey },
            new[] { new KeyValuePair<string, string>(tasksKey, taskId), pauseField }, out var read);
        run = RunRecord.Of(read.GetValueOrDefault(runKey));
        var stored = read.TryGetValue(tasksKey, out var records) ? records.GetValueOrDefault(taskId) : null;
        var pauseRead = _pauses.Saw(pipeline.Id, read);
        if (stored is null || Judge(pipeline, runId, taskId, delivery, stored, pauseRead, started) is not { } starting) return null;
        return swap.Swap(tasksKey, taskId, stored, PipelineStore.Serialize(starting)) ? starting : null;
    }

    /// <summary>
    /// The running record of the task whose record is <paramref name="stored"/>, with the pipeline's pause field
    /// <paramref name="pause"/>; null when the start must take the lock: its try is not waiting, or
    /// <see cref="TryStart.Judge"/> finds a reason it may not start.
    /// </summary>
    private TaskInstance? Judge(PipelineDefinition pipeline, string runId, string taskId, TryDelivery delivery, string stored, string? pause, Func<RunWork, TaskInstance, TaskInstance> started)
    {
        // As the locked start: a task waits for a try only in a running run.
        var work = new RunWork(pipeline, runId, RunState.Running, key => key == taskId ? stored : null, _options.Clock.GetCurrentInstant())
        {
            Pause = PipelinePause.Parse(pipeline, pause),
            MaxMapLength = _options.MaxMapLength,
        };
        var task = work[taskId];
        if (!IsCurrentTry.IsWaiting(task.State) || TryStart.Judge(work, taskId, delivery) is not null) return null;
        var running = started(work, task);
        return running.State == TaskState.Running ? running : null;
    }
}
