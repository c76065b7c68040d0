using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// A task up for retry waits for its retry delay after the try that failed. The coordinator schedules the retry's job
/// for <see cref="DueAt"/> (<see cref="RetryOutcome"/>), so Hangfire's scheduled state holds the try until then; people
/// read the same time here.
/// </summary>
internal sealed class RetryPeriodElapsed : IReadinessReason
{
    public const string Name = "Retry period";

    public static readonly RetryPeriodElapsed Instance = new();

    /// <summary>
    /// When the next try of a task up for retry is due: the retry delay after the try that failed, counted from its end.
    /// The instance already counts the next try, so the delay is the one after the try before it.
    /// </summary>
    public static Instant DueAt(TaskDefinition definition, TaskInstance upForRetry, Instant now) =>
        (upForRetry.End ?? now) + Duration.FromTimeSpan(definition.RetryDelayAfter(System.Math.Max(1, upForRetry.TryOfAttempt - 1)));

    public TaskDependency? Evaluate(ReadinessContext context)
    {
        var instance = context.Instance;
        if (instance.State != TaskState.UpForRetry) return null;
        var next = DueAt(context.Task, instance, context.Now);
        return next <= context.Now
            ? new TaskDependency(Name, true, $"The retry delay has passed; try {instance.TryNumber} is due.")
            : new TaskDependency(Name, false, $"Waiting for the retry delay: try {instance.TryNumber} ({instance.TryOfAttempt} of {context.Task.Retries + 1}) is due at {PipelineStore.Format(next)}.");
    }
}
