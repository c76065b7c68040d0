[assembly: Pipelines.ExternalAsset("cli.vendor")]

namespace Pipelines.Cli.Tests;

// A report that runs whenever the vendor's file for a session lands; the vendor posts it with asset-event.
[Pipeline("vendor_report", Schedule = "@assets(cli.vendor)")]
public sealed partial class VendorReport(Effects effects)
{
    [PipelineTask, Produces("cli.report")]
    public void Report(RunContext run) => effects.Log.Enqueue($"{run.RunId}/Report");
}
