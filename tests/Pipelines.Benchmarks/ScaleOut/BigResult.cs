using Pipelines.Benchmarks.Infrastructure;

namespace Pipelines.Benchmarks.ScaleOut;

/// <summary>The one big run: its time, what the runtime's telemetry saw, and what went wrong if anything did.</summary>
public sealed record BigResult(int Width, double WallMs, bool Completed, int Done, double? FanOutMs, CoordinationFigures Figures,
    int ReferenceWidth, CoordinationFigures? Reference, int Warnings, IReadOnlyList<string> FirstWarnings, long FailedJobs)
{
    /// <summary>Median time under the run lock per step here, over the same at the reference width: about 1 when a step's cost does not grow with the run.</summary>
    public double StepGrowth => Reference is null ? double.NaN : Figures.HeldMedianMs / Reference.HeldMedianMs;

    /// <summary>Done with every task, no warning logged (a lock timeout, a step left to the reconciler) and no failed job.</summary>
    public bool Clean => Completed && Done == Width + 2 && Warnings == 0 && FailedJobs == 0;
}
