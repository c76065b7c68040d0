using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// A Hangfire job to create for a task's try: now, or after a delay. <paramref name="DecidedFrom"/>: the task undecided,
/// as the step's cascade found it before deciding to run it (<see cref="RunCascade.Decide"/>; a mapped instance with its
/// state set to undecided, as a cleared one is), so a step over its job budget can leave it undecided for the next step
/// (<see cref="PipelinesOptions.MaxJobsPerStep"/>); null for a job a change asked for.
/// </summary>
internal readonly record struct PendingJob(string TaskId, int TryNumber, Duration? Delay, TaskInstance? DecidedFrom = null);
