using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// A Hangfire job to create for a task's try: now, or after a delay. <paramref name="Decided"/>: the step's cascade
/// queued the task from undecided (<see cref="RunCascade.Decide"/>), so a step over its job budget may leave it undecided
/// for the next step (<see cref="PipelinesOptions.MaxJobsPerStep"/>).
/// </summary>
internal readonly record struct PendingJob(string TaskId, int TryNumber, Duration? Delay, bool Decided = false);
