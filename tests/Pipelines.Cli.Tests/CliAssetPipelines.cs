[assembly: Pipelines.ExternalAsset("cli.vendor")]
[assembly: Pipelines.ExternalAsset("cli.signoff")]

namespace Pipelines.Cli.Tests;

// A report that runs whenever the vendor's file for a session lands; the vendor posts it with asset-event.
[Pipeline("vendor_report", Schedule = "@assets(cli.vendor)")]
public sealed partial class VendorReport(Effects effects)
{
    [PipelineTask, Produces("cli.report")]
    public void Report(RunContext run) => effects.Log.Enqueue($"{run.RunId}/Report");
}

// An audit that needs both the vendor's file and the auditors' sign-off of a session; the auditors post theirs too.
[Pipeline("vendor_audit", Schedule = "@assets(cli.vendor & cli.signoff)")]
public sealed partial class VendorAudit(Effects effects)
{
    [PipelineTask]
    public void Audit(RunContext run) => effects.Log.Enqueue($"{run.RunId}/Audit");
}
