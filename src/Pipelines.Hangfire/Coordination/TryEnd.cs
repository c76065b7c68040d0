namespace Pipelines.Hangfire;

/// <summary>
/// How a try's end changes its run, whichever way it is applied: in the run's locked step
/// (<see cref="RunCoordinator.CompleteTry"/>) or beside the lock (<see cref="UnlockedEnd"/>). Only the task's current
/// execution may end it; its outcome moves the task (<see cref="TryOutcome"/>), and a producing task's success records its
/// assets' events in the same change.
/// </summary>
internal static class TryEnd
{
    /// <summary>Whether <paramref name="end"/> is the end of <paramref name="task"/>'s running try, by the execution that runs it now.</summary>
    public static bool IsCurrent(TaskInstance task, EndedTry end)
    {
        var ours = end.Execution is not null ? task.Execution == end.Execution : end.JobId is null || task.CurrentJobId is not { } current || current == end.JobId;
        return task.State == TaskState.Running && task.TryNumber == end.TryNumber && ours;
    }

    /// <summary>Applies <paramref name="end"/> to <paramref name="work"/>; the task as it leaves it, or null, changing nothing, for a stale end.</summary>
    public static TaskInstance? Apply(RunWork work, EndedTry end)
    {
        var task = work[end.TaskId];
        if (!IsCurrent(task, end)) return null;
        var definition = work.DefinitionOf(end.TaskId);
        TryOutcome.Apply(work, definition, task, end.Result);
        var final = work[end.TaskId];
        // A producing task's success records its assets' events in this same step (the partition is the run's logical date).
        if (final.State == TaskState.Success && definition.Produces.Length > 0 && work.Facts.LogicalDate is { Length: > 0 } date)
        {
            foreach (var asset in definition.Produces)
            {
                work.AssetEvents.Add(new AssetEvent(AssetEventId.New(work.Now), asset, PipelineStore.ParseDate(date), work.Now, end.Result.AssetExtra)
                {
                    PipelineId = work.Pipeline.Id,
                    RunId = work.RunId,
                    TaskId = end.TaskId,
                });
            }
        }
        return final;
    }
}
