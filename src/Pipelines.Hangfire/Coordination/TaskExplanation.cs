using System.Collections.Generic;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// Why a task instance is (or is not) running: each readiness reason that applies to it, met or not, in a sentence.
/// The reasons are the very objects the coordinator decides with (<see cref="TaskReadiness"/>), so the page, the
/// command line and the scheduler cannot disagree.
/// </summary>
/// <remarks>
/// People get it from <see cref="PipelineOperations.Explain"/>, which reads every fact a reason needs (the pause state,
/// the previous run, the slots) from storage, as the coordinator does; there is no overload that guesses one of them.
/// </remarks>
internal static class TaskExplanation
{
    /// <summary>
    /// Explains the task with the pipeline's pause state, (for depends-on-past) the previous run, and (for pools and
    /// concurrency limits) the slots' usage as read from storage.
    /// </summary>
    internal static IReadOnlyList<TaskDependency> Explain(PipelineDefinition pipeline, PipelineRun run, string taskId, int? activeRuns, Instant now, PipelinePause pause, System.Lazy<PreviousRun?>? previousRun = null, IReadOnlyList<SlotUsage>? slots = null) =>
        TaskReadiness.Explain(ReadinessContext.Of(pipeline, run, taskId, now) with { ActiveRuns = activeRuns, Pause = pause, PreviousRun = previousRun, Slots = slots });
}
