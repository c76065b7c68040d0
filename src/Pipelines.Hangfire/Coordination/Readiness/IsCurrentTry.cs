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
        if (context.Delivery is not { } delivery)
        {
            // For people: which job the next start belongs to.
            var newest = Newest(task);
            if (IsWaiting(task.State)) return new TaskDependency(Name, true, $"Try {task.TryNumber} starts with {newest}; any older job of the task does nothing.");
            if (task.State == TaskState.Running) return new TaskDependency(Name, true, $"Try {task.TryNumber} is running on {task.Server ?? "a worker"} ({newest}).");
            return null;
        }

        var current = delivery.JobId is null || task.CurrentJobId is null || task.CurrentJobId == delivery.JobId;
        var again = task.State == TaskState.Running && delivery.JobId is not null && task.CurrentJobId == delivery.JobId;
        if (task.TryNumber != delivery.TryNumber)
            return new TaskDependency(Name, false, $"{Job(delivery)} is for try {delivery.TryNumber}, but the task is {task.State.Name()} on try {task.TryNumber}.");
        if (!current)
            return new TaskDependency(Name, false, $"{Job(delivery)} is not the newest job of try {task.TryNumber} ({Newest(task)} is).");
        if (!(IsWaiting(task.State) || again))
            return new TaskDependency(Name, false, $"{Job(delivery)} finds the task {task.State.Name()}, not waiting for try {task.TryNumber} to start.");
        if (context.Deciding) return ReadinessContext.MetWithoutSentence(Name);
        return new TaskDependency(Name, true, again
            ? $"{Job(delivery)} is delivered again while try {task.TryNumber} runs."
            : $"{Job(delivery)} is the newest job of try {task.TryNumber}.");
    }

    private static string Job(TryDelivery delivery) => delivery.JobId is { } id ? $"Job #{id}" : "The delivery";

    private static string Newest(TaskInstance task) => task.CurrentJobId is { } id ? $"job #{id}" : "its newest job";
}
