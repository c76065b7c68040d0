namespace Pipelines.Hangfire;

/// <summary>How one try of a task ended, to apply to its run (<see cref="RunCoordinator.CompleteTry"/>).</summary>
/// <param name="TaskId">The task, or a mapped task's instance (<see cref="MapKey"/> id).</param>
/// <param name="TryNumber">The try.</param>
/// <param name="JobId">The Hangfire job that ran it, when known.</param>
/// <param name="Execution">The token its start gave this execution, when known.</param>
/// <param name="Result">How it ended.</param>
internal sealed record EndedTry(string TaskId, int TryNumber, string? JobId, string? Execution, TryResult Result)
{
    /// <summary>The running task as this try's start wrote it, when the try ran here: what its end expects to find.</summary>
    public TaskInstance? Started { get; init; }

    /// <summary>The run's record as the try read it when it started, when the try ran here.</summary>
    public RunRecord? Run { get; init; }
}
