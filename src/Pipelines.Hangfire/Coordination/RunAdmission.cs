using System.Collections.Generic;
using Hangfire.Storage;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// Admission under <c>MaxActiveRuns</c>, written once: a run is active (running) while it holds one of the pipeline's
/// slots and waits (queued) otherwise, and waiting runs take free slots oldest first. Every caller holds the pipeline's
/// lock (<see cref="PipelineStore.PipelineLock"/>) from <see cref="HasFreeSlot(IStorageConnection, PipelineDefinition)"/>
/// to the commit of what it decided, except <see cref="Leave"/>, which only frees a slot.
/// </summary>
internal static class RunAdmission
{
    /// <summary>The rule: a run may become active while fewer than MaxActiveRuns are.</summary>
    public static bool HasFreeSlot(int activeRuns, int maxActiveRuns) => activeRuns < maxActiveRuns;

    /// <summary>How many runs of the pipeline are active now.</summary>
    public static int ActiveRuns(IStorageConnection connection, PipelineDefinition pipeline) =>
        connection.GetAllItemsFromSet(PipelineStore.ActiveKey(pipeline.Id)).Count;

    /// <summary>Whether a run entering now would start at once (under the pipeline's lock).</summary>
    public static bool HasFreeSlot(IStorageConnection connection, PipelineDefinition pipeline) =>
        HasFreeSlot(ActiveRuns(connection, pipeline), pipeline.MaxActiveRuns);

    /// <summary>
    /// Records a run entering as <paramref name="started"/> (from <see cref="HasFreeSlot(IStorageConnection, PipelineDefinition)"/>):
    /// holding a slot, or waiting for one in arrival order. The caller writes the run's state, running or queued.
    /// </summary>
    public static void Enter(IWriteOnlyTransaction transaction, PipelineDefinition pipeline, string runId, bool started, Instant now)
    {
        if (started) transaction.AddToSet(PipelineStore.ActiveKey(pipeline.Id), runId);
        else transaction.AddToSet(PipelineStore.WaitingKey(pipeline.Id), runId, now.ToUnixTimeTicks());
    }

    /// <summary>Frees the slot of a run that finished.</summary>
    public static void Leave(IWriteOnlyTransaction transaction, PipelineDefinition pipeline, string runId) =>
        transaction.RemoveFromSet(PipelineStore.ActiveKey(pipeline.Id), runId);

    /// <summary>
    /// Gives the free slots to the oldest waiting runs, marking them running: returns their ids, whose ready tasks the
    /// caller enqueues once this is committed (under each run's own lock).
    /// </summary>
    public static IReadOnlyList<string> AdmitWaiting(IStorageConnection connection, IWriteOnlyTransaction transaction, PipelineDefinition pipeline, Instant now)
    {
        var free = pipeline.MaxActiveRuns - ActiveRuns(connection, pipeline);
        if (free <= 0) return [];
        var waiting = PipelineStore.OldestFirst(connection, PipelineStore.WaitingKey(pipeline.Id), free);
        foreach (var runId in waiting)
        {
            transaction.RemoveFromSet(PipelineStore.WaitingKey(pipeline.Id), runId);
            transaction.AddToSet(PipelineStore.ActiveKey(pipeline.Id), runId);
            PipelineStore.SetRunState(transaction, pipeline.Id, runId, RunState.Running, startedAt: now);
        }
        return waiting;
    }
}
