namespace Pipelines.Benchmarks.ScaleOut;

/// <summary>
/// Many runs against as many raw jobs on <see cref="Servers"/> server processes, in rounds (<see cref="RoundRatios"/>):
/// the ratio is the median of the rounds' ratios, and <see cref="Pipeline"/> and <see cref="Raw"/> are the sides of the
/// round nearest to it.
/// </summary>
public sealed record ManyResult(int Servers, int WorkersPerServer, ManySide Pipeline, ManySide Raw, IReadOnlyList<double> RoundRatios)
{
    public double Ratio => Report.Median(RoundRatios.ToArray());

    /// <summary>Builds the result of <paramref name="rounds"/> (each a pipeline side and a raw side).</summary>
    public static ManyResult Of(int servers, int workersPerServer, IReadOnlyList<(ManySide Pipeline, ManySide Raw)> rounds)
    {
        var ratios = rounds.Select(r => r.Pipeline.TasksPerSecond / r.Raw.TasksPerSecond).ToArray();
        var median = Report.Median(ratios);
        var nearest = rounds.OrderBy(r => Math.Abs(r.Pipeline.TasksPerSecond / r.Raw.TasksPerSecond - median)).First();
        // A round that timed out makes the whole measurement incomplete.
        var pipeline = rounds.All(r => r.Pipeline.Completed) ? nearest.Pipeline : rounds.First(r => !r.Pipeline.Completed).Pipeline;
        var raw = rounds.All(r => r.Raw.Completed) ? nearest.Raw : rounds.First(r => !r.Raw.Completed).Raw;
        return new ManyResult(servers, workersPerServer, pipeline, raw, ratios);
    }
}
