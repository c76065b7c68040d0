using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>A Hangfire job to create for a task's try: now, or after a delay.</summary>
internal readonly record struct PendingJob(string TaskId, int TryNumber, Duration? Delay);
