namespace Pipelines.Benchmarks.Infrastructure;

/// <summary>What the runtime's own telemetry saw of one pipeline's coordination, in milliseconds.</summary>
public sealed record CoordinationFigures(double[] StepsMs, double[] RunLockHeldMs, double[] RunLockWaitMs)
{
    public double SlowestStepMs => StepsMs.Length == 0 ? double.NaN : StepsMs.Max();

    public double HeldTotalMs => RunLockHeldMs.Sum();

    public double HeldMaxMs => RunLockHeldMs.Length == 0 ? double.NaN : RunLockHeldMs.Max();

    public double HeldMedianMs => Report.Median(RunLockHeldMs);

    public double WaitMaxMs => RunLockWaitMs.Length == 0 ? double.NaN : RunLockWaitMs.Max();
}
