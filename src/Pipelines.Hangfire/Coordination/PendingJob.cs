using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// A Hangfire job to create for a task's try: now, or after a delay. <paramref name="DecidedFrom"/>: the task as it was
/// before the step's cascade decided to run it (<see cref="RunCascade.Decide"/>), so a step over its job budget can leave
/// it undecided for the next step (<see cref="PipelinesOptions.MaxJobsPerStep"/>); null for a job a change asked for.
/// </summary>
internal readonly record struct PendingJob(string TaskId, int TryNumber, Duration? Delay, TaskInstance? DecidedFrom = null);
