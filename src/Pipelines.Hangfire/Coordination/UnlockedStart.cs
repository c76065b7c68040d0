using System;
using Hangfire;

namespace Pipelines.Hangfire;

/// <summary>
/// A try's start without the run's lock, on a storage that swaps a record atomically (<see cref="IPipelineSwapStorage"/>):
/// reads the task's record and the pipeline's pause, judges the start with the same reasons as the locked step
/// (<see cref="TaskReadiness.BlockingStart"/>), and swaps the waiting record for the running one. Every run's step took the
/// run's lock twice per task, once to start it and once to end it; now only its end does, so a busy run's starts never
/// queue behind each other, only behind a step in progress.
/// </summary>
/// <remarks>
/// <para>
/// It reads what the locked start reads (<see cref="CascadeScope.None"/>: the task's own record and the pause), so it
/// decides the same. Only a start that may go ahead is taken here: a start that must not (stale, paused, not yet queued
/// because the step that created the job has not committed), a job delivered again while its try runs, and a try under
/// slot limits (whose admission writes the slot book) take the lock, which waits for a step in progress and explains
/// the decision in the log. The swap waits while a step holds the run's lock (as long as a locked start would), and fails
/// when the record changed since it was read; the start then takes the lock.
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
    public bool Supported => _storage is IPipelineSwapStorage;

    /// <summary>
    /// The running task, or null when the start was not taken here and must take the run's lock.
    /// <paramref name="started"/> gives the running record of the waiting one, as the locked start writes it.
    /// </summary>
    public TaskInstance? Begin(PipelineDefinition pipeline, string runId, string taskId, TryDelivery delivery, Func<RunWork, TaskInstance, TaskInstance> started)
    {
        if (_storage is not IPipelineSwapStorage swap) return null;
        using var connection = _storage.GetConnection();
        var records = new StoredHash(connection, PipelineStore.TasksKey(pipeline.Id, runId));
        // As the locked start: a task waits for a try only in a running run.
        var work = new RunWork(pipeline, runId, RunState.Running, records.Get, _options.Clock.GetCurrentInstant())
        {
            Pause = PipelinePause.Read(connection, pipeline),
            MaxMapLength = _options.MaxMapLength,
        };
        var task = work[taskId];
        if (!IsCurrentTry.IsWaiting(task.State) || records.Get(taskId) is not { } stored) return null;
        if (TryStart.Judge(work, taskId, delivery) is not null) return null;
        var running = started(work, task);
        if (running.State != TaskState.Running) return null;
        return swap.TrySwapInHash(PipelineStore.RunLock(pipeline.Id, runId), _options.LockTimeout, records.Key, taskId, stored, PipelineStore.Serialize(running)) ? running : null;
    }
}
