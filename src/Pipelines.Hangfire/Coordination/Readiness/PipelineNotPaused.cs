namespace Pipelines.Hangfire;

/// <summary>
/// A paused pipeline starts no new tasks, as Airflow's paused DAGs: the cascade leaves undecided tasks waiting and a
/// delivered job leaves its task queued; a try already running finishes. Unpausing
/// (<see cref="PipelineOperations.Unpause"/>) cascades the pipeline's running runs again and gives every waiting task a new job.
/// </summary>
internal sealed class PipelineNotPaused : IReadinessReason
{
    public const string Name = "Pipeline not paused";

    public static readonly PipelineNotPaused Instance = new();

    public TaskDependency? Evaluate(ReadinessContext context)
    {
        // Only a task that has yet to start a try can be held back.
        if (context.State is not (TaskState.None or TaskState.Queued or TaskState.Scheduled or TaskState.UpForRetry or TaskState.UpForReschedule)) return null;
        var pipeline = context.Pipeline.Id;
        if (!context.Pause.Paused && context.Deciding) return ReadinessContext.MetWithoutSentence(Name);
        if (!context.Pause.Paused) return new TaskDependency(Name, true, $"Pipeline '{pipeline}' is not paused.");
        var since = context.Pause.Since is { } at ? $" since {PipelineStore.Format(at)}" : "";
        return new TaskDependency(Name, false, $"Pipeline '{pipeline}' is paused{since}: it starts no new tasks until it is unpaused (unpause {pipeline}).");
    }
}
