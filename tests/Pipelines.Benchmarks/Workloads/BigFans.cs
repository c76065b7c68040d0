namespace Pipelines.Benchmarks.Workloads;

/// <summary>
/// The fan-outs the one-big-run measurement can use: <c>bench_fan_1000</c> and the <c>bench_big_N</c> pipelines the
/// project file generates at build time (500 and 10,000 in Release builds, 500 only in Debug builds, which keeps the
/// solution's everyday build from compiling 10,000 methods). Found through the generated catalog, so this file compiles
/// whichever sizes were generated.
/// </summary>
public static class BigFans
{
    private const string Prefix = "bench_big_";

    public static IReadOnlyList<int> Sizes =>
        PipelineCatalog.All.Where(p => p.Id.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(p => int.Parse(p.Id[Prefix.Length..], System.Globalization.CultureInfo.InvariantCulture))
            .Append(Fan1000.Definition.Tasks.Length - 2).Distinct().Order().ToArray();

    public static PipelineDefinition Get(int width) => width == Fan1000.Definition.Tasks.Length - 2
        ? Fan1000.Definition
        : PipelineCatalog.All.Single(p => p.Id == Prefix + width.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Every generated big fan-out, for hosts that serve them.</summary>
    public static IEnumerable<PipelineDefinition> All => PipelineCatalog.All.Where(p => p.Id.StartsWith(Prefix, StringComparison.Ordinal));
}
