namespace Pipelines.Benchmarks;

/// <summary>
/// One round of the hop, fan-out and mapped fan-out measurements: each side's chain, fan-out and mapped fan-out (null
/// when not measured), and raw Hangfire's chain whose jobs each enqueue the next. The mapped fan-out has its own raw fan
/// (1,000 Enqueue, as for the static one) in the same round.
/// </summary>
public sealed record Round(ChainResult? RawChain, ChainResult? PipelineChain, FanResult? RawFan, FanResult? PipelineFan,
    FanResult? RawMappedFan = null, FanResult? PipelineMappedFan = null, ChainResult? RawEnqueueChain = null)
{
    public double HopRatio => PipelineChain is { } ours && RawChain is { } raw ? Report.Median(ours.BodyHopsMs) / Report.Median(raw.BodyHopsMs) : double.NaN;

    /// <summary>Our median hop over raw Hangfire's when each raw job enqueues the next at its end (no goal).</summary>
    public double EnqueueHopRatio => PipelineChain is { } ours && RawEnqueueChain is { } raw ? Report.Median(ours.BodyHopsMs) / Report.Median(raw.BodyHopsMs) : double.NaN;

    public double ThroughputRatio => PipelineFan is { } ours && RawFan is { } raw ? ours.TasksPerSecond / raw.TasksPerSecond : double.NaN;

    public double MappedRatio => PipelineMappedFan is { } ours && RawMappedFan is { } raw ? ours.TasksPerSecond / raw.TasksPerSecond : double.NaN;

    /// <summary>Mapped over static tasks per second, both pipelines of this round (NaN unless both were measured).</summary>
    public double MappedOverStatic => PipelineMappedFan is { } mapped && PipelineFan is { } fan ? mapped.TasksPerSecond / fan.TasksPerSecond : double.NaN;

    public bool ChainsCompleted => PipelineChain?.Completed == true && RawChain?.Completed == true;

    public bool FansCompleted => PipelineFan?.Completed == true && RawFan?.Completed == true;

    public bool MappedCompleted => PipelineMappedFan?.Completed == true && RawMappedFan?.Completed == true;
}
