using System.ComponentModel.DataAnnotations;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Hangfire.Tests.TestPipelines;

public enum Universe { Sp500, Russell2000 }

/// <summary>Every member has a default, so the pipeline may be scheduled.</summary>
public sealed record NightlyPriceParams(bool DryRun = false, [property: Range(1, 1000)] int MaxRows = 250, Universe Universe = Universe.Sp500)
{
    public IReadOnlyList<string> Symbols { get; init; } = ["AAPL", "MSFT"];
}

[Pipeline("nightly_prices", Schedule = "0 4 * * *", TimeZone = "UTC", StartDate = "2024-03-10", Parameters = typeof(NightlyPriceParams))]
public sealed partial class NightlyPrices(SideEffects effects)
{
    [PipelineTask]
    public void Load([RunParameters] NightlyPriceParams p, RunContext run) =>
        effects.Record(run, $"{p.DryRun}:{p.MaxRows}:{p.Universe}:{string.Join("+", p.Symbols)}");
}
