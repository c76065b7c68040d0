namespace Pipelines.Benchmarks;

/// <summary>One round of the hop and fan-out measurements: each side's chain and fan-out (null when not measured).</summary>
public sealed record Round(ChainResult? RawChain, ChainResult? PipelineChain, FanResult? RawFan, FanResult? PipelineFan)
{
    public double HopRatio => PipelineChain is { } ours && RawChain is { } raw ? Report.Median(ours.BodyHopsMs) / Report.Median(raw.BodyHopsMs) : double.NaN;

    public double ThroughputRatio => PipelineFan is { } ours && RawFan is { } raw ? ours.TasksPerSecond / raw.TasksPerSecond : double.NaN;

    public bool ChainsCompleted => PipelineChain?.Completed == true && RawChain?.Completed == true;

    public bool FansCompleted => PipelineFan?.Completed == true && RawFan?.Completed == true;
}
