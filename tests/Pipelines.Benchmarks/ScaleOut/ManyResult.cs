namespace Pipelines.Benchmarks.ScaleOut;

/// <summary>Many runs against as many raw jobs on <see cref="Servers"/> server processes.</summary>
public sealed record ManyResult(int Servers, int WorkersPerServer, ManySide Pipeline, ManySide Raw)
{
    public double Ratio => Pipeline.TasksPerSecond / Raw.TasksPerSecond;
}
