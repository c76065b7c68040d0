using System.Globalization;
using Pipelines.Hangfire.Tests.Infrastructure;

[assembly: Pipelines.ExternalAsset("test.vendor")]

namespace Pipelines.Hangfire.Tests.TestPipelines;

// Prices and fundamentals land from two pipelines; the risk model waits for both of a session, a notifier for either.

[Pipeline("asset_prices")]
public sealed partial class AssetPrices(SideEffects effects)
{
    [PipelineTask, Produces("test.prices")]
    public void LoadPrices(RunContext run)
    {
        effects.Record(run);
        run.SetAssetExtra("rows", (1200 + effects.Count(run.RunId, run.TaskId)).ToString(CultureInfo.InvariantCulture));
    }
}

[Pipeline("asset_fundamentals")]
public sealed partial class AssetFundamentals(SideEffects effects)
{
    [PipelineTask, Produces("test.fundamentals")]
    public void LoadFundamentals(RunContext run) => effects.Record(run);
}

[Pipeline("asset_risk", Schedule = "@assets(test.prices & test.fundamentals)")]
public sealed partial class AssetRisk(SideEffects effects)
{
    [PipelineTask] public void BuildRisk(RunContext run) => effects.Record(run);
}

[Pipeline("asset_either", Schedule = "@assets(test.prices | test.fundamentals)")]
public sealed partial class AssetEither(SideEffects effects)
{
    [PipelineTask] public void Notify(RunContext run) => effects.Record(run);
}

[Pipeline("asset_vendor", Schedule = "@assets(test.vendor) | 0 6 * * 1-5", TimeZone = "America/New_York")]
public sealed partial class AssetVendor(SideEffects effects)
{
    [PipelineTask] public void ReadVendor(RunContext run) => effects.Record(run);
}
