using Microsoft.Extensions.Logging;
using System.Collections.Concurrent;

[assembly: Pipelines.ExternalAsset("dash.vendor")]

namespace Pipelines.Dashboard.Tests;

public sealed class Switches
{
    public ConcurrentDictionary<string, int> Flags { get; } = new();
}

[Pipeline("etl", Schedule = "0 4 * * 1-5", TimeZone = "America/New_York", Description = "Extract, transform, load.")]
public sealed partial class Etl(Switches switches)
{
    [PipelineTask] public int Extract() => 42;

    [PipelineTask]
    public int Transform([FromTask(nameof(Extract))] int rows, RunContext run)
    {
        run.Logger.LogInformation("transforming {Rows} rows", rows);
        if (switches.Flags.TryGetValue("break", out var broken) && broken > 0) throw new InvalidOperationException("the mapping file is missing");
        return rows * 2;
    }

    [PipelineTask] public string Load([FromTask(nameof(Transform))] int rows) => $"loaded {rows}";

    [PipelineTask(Trigger = TriggerRule.AllDone), DependsOn(nameof(Load))] public void Notify() { }

    /// <summary>A leaf the failure reaches, so a broken Transform fails the run (Notify alone would handle it, as in Airflow).</summary>
    [PipelineTask, DependsOn(nameof(Load))] public void Publish() { }
}

public enum Desk { Rates, Equities }

public sealed record PriceParams(
    IReadOnlyList<string> Symbols,
    bool DryRun = false,
    [property: System.ComponentModel.DataAnnotations.Range(1, 10_000)] int MaxRows = 500,
    Desk Desk = Desk.Rates)
{
    [System.ComponentModel.Description("The first session to load.")]
    public NodaTime.LocalDate? From { get; init; }
}

[Pipeline("backfill_prices", Parameters = typeof(PriceParams))]
public sealed partial class BackfillPrices
{
    [PipelineTask] public static string Load([RunParameters] PriceParams p) => $"{string.Join("+", p.Symbols)}:{p.MaxRows}:{p.Desk}";
}

// Prices land from a pipeline, the vendor's file from outside; the risk model waits for both of a session.
[Pipeline("dash_prices", Description = "Load the day's prices.")]
public sealed partial class DashPrices
{
    [PipelineTask, Produces("dash.prices")]
    public void LoadPrices(RunContext run) => run.SetAssetExtra("rows", "1200");
}

[Pipeline("dash_risk", Schedule = "@assets(dash.prices & dash.vendor)", TimeZone = "America/New_York", Description = "Risk model on prices and the vendor's file.")]
public sealed partial class DashRisk
{
    [PipelineTask] public void BuildRisk() { }
}
