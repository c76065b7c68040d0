using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using NodaTime;

namespace Pipelines.Generators.Tests.TestPipelines;

/// <summary>Which prices to load.</summary>
public enum PriceSource
{
    Vendor,
    Exchange,
}

/// <summary>Parameters of a price backfill.</summary>
/// <param name="Symbols">The symbols to load.</param>
/// <param name="MaxRows">At most this many rows per symbol.</param>
public sealed record PriceParams(
    IReadOnlyList<string> Symbols,
    bool DryRun = false,
    [property: Range(1, 10_000)] int MaxRows = 500,
    PriceSource Source = PriceSource.Exchange)
{
    /// <summary>The first session to load.</summary>
    public LocalDate? From { get; init; }

    [Description("A factor applied to every price.")]
    public decimal Scale { get; init; } = 1.5m;

    [RegularExpression("[A-Z]{3}")]
    public string Currency { get; init; } = "USD";

    public long[] Batches { get; init; } = [];

    public double Tolerance { get; init; }
}

/// <summary>A pipeline triggered by hand with typed parameters; the generator binds them for each task.</summary>
[Pipeline("test_backfill_prices", Parameters = typeof(PriceParams))]
public static partial class PriceParamsPipeline
{
    public static readonly List<PriceParams> Seen = new();

    [PipelineTask]
    public static void Load([RunParameters] PriceParams parameters, RunContext run)
    {
        lock (Seen) Seen.Add(parameters);
    }
}
