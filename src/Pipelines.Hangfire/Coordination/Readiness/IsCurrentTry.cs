namespace Pipelines.Hangfire;

/// <summary>
/// Only the newest job of the task's current try may start it: a job of an earlier try, an older job of this try (say
/// re-enqueued by the reconciler, then requeued by hand), or any job of a task that is not waiting for a try is a stale
/// delivery and does nothing. A job delivered again while its try runs passes here; whether that execution is dead is
/// for <see cref="TryStart"/> to judge.
/// </summary>
internal sealed class IsCurrentTry : IReadinessReason
{
    public const string Name = "Current try";

    public static readonly IsCurrentTry Instance = new();

    /// <summary>Whether the task waits for a job to start its try.</summary>
    public static bool IsWaiting(TaskState state) => state is TaskState.Queued or TaskState.Scheduled or TaskState.UpForRetry or TaskState.UpForReschedule;

    public TaskDependency? Evaluate(ReadinessContext context)
    {
        var task = context.Instance;
        var newest = task.CurrentJobId is { } id ? $"job #{id}" : "its newest job";
        if (context.Delivery is not { } delivery)
        {
            // For people: which job the next start belongs to.
            if (IsWaiting(task.State)) return new TaskDependency(Name, true, $"Try {task.TryNumber} starts with {newest}; any older job of the task does nothing.");
            if (task.State == TaskState.Running) return new TaskDependency(Name, true, $"Try {task.TryNumber} is running on {task.Server ?? "a worker"} ({newest}).");
            return null;
        }

        var current = delivery.JobId is null || task.CurrentJobId is null || task.CurrentJobId == delivery.JobId;
        var again = task.State == TaskState.Running && delivery.JobId is not null && task.CurrentJobId == delivery.JobId;
        var job = delivery.JobId is { } j ? $"Job #{j}" : "The delivery";
        if (task.TryNumber != delivery.TryNumber)
            return new TaskDependency(Name, false, $"{job} is for try {delivery.TryNumber}, but the task is {task.State.Name()} on try {task.TryNumber}.");
        if (!current)
            return new TaskDependency(Name, false, $"{job} is not the newest job of try {task.TryNumber} ({newest} is).");
        if (!(IsWaiting(task.State) || again))
            return new TaskDependency(Name, false, $"{job} finds the task {task.State.Name()}, not waiting for try {task.TryNumber} to start.");
        return new TaskDependency(Name, true, again
            ? $"{job} is delivered again while try {task.TryNumber} runs."
            : $"{job} is the newest job of try {task.TryNumber}.");
    }
}
