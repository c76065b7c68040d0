using System.Linq;
using Hangfire.Dashboard.Pages;

namespace Pipelines.Hangfire.Dashboard;

/// <summary>One asset: who produces and who consumes it, and its newest event of each partition with where it came from.</summary>
internal sealed class AssetPage(string assetName) : PipelinesRazorPage
{
    public override void Execute()
    {
        if (Services is not { } services)
        {
            NotFound("Assets", "No Pipelines runtime uses this dashboard's storage. Call services.AddPipelines() in the app that maps the dashboard.");
            return;
        }
        var assets = services.Operations.ListAssets();
        if (assets.FirstOrDefault(a => a.Asset == assetName) is not { } asset)
        {
            NotFound("Asset not found", $"No pipeline produces or consumes an asset '{assetName}', and no event of it was posted. Known assets: {(assets.Count == 0 ? "(none)" : string.Join(", ", assets.Select(a => a.Asset)))}.");
            return;
        }
        Layout = new LayoutPage($"Asset {asset.Asset}");
        WriteLiteral($"<h1 class=\"page-header\">{E(asset.Asset)}{(asset.IsExternal ? " <span class=\"label label-default\">external</span>" : "")}</h1>");
        WriteLiteral($"<ol class=\"breadcrumb\"><li><a href=\"{Url.To("/assets")}\">Assets</a></li><li class=\"active\">{E(asset.Asset)}</li></ol>");
        WriteLiteral($"<dl class=\"dl-horizontal pipelines-asset-lineage\"><dt>Produced by</dt><dd class=\"pipelines-producers\">{Producers(asset)}</dd><dt>Consumed by</dt><dd class=\"pipelines-consumers\">{Consumers(asset)}</dd></dl>");
        WriteLiteral("<div style=\"overflow:auto\">");
        WriteLiteral(Svg.Lineage(assets.Where(a => a.Asset == asset.Asset).ToList(), PipelineUrl, AssetUrl));
        WriteLiteral("</div>");

        WriteLiteral("<h3>Newest event by partition</h3>");
        var events = services.Operations.LatestAssetEventsByPartition(asset.Asset);
        if (events.Count == 0)
        {
            WriteLiteral(asset.IsExternal
                ? $"<p class=\"text-muted\">No events yet. Post one with <code>asset-event {E(asset.Asset)} --partition yyyy-MM-dd</code>.</p>"
                : "<p class=\"text-muted\">No events yet: one is recorded each time a producing task succeeds.</p>");
            return;
        }
        WriteLiteral("<table class=\"table table-striped pipelines-asset-events\"><thead><tr><th>Partition</th><th>Arrived</th><th>Source</th><th>Extra</th><th>Event</th></tr></thead><tbody>");
        foreach (var e in events)
        {
            var source = e.IsExternal
                ? "<span class=\"label label-default\">external</span> posted from outside"
                : $"<a href=\"{TaskUrl(e.PipelineId!, e.RunId!, e.TaskId!)}\">{E(e.PipelineId)}.{E(e.TaskId)}</a> in run <a href=\"{RunUrl(e.PipelineId!, e.RunId!)}\">{E(e.RunId)}</a>";
            var extra = string.Join(", ", e.Extra.OrderBy(x => x.Key, System.StringComparer.Ordinal).Select(x => $"{E(x.Key)}={E(x.Value)}"));
            WriteLiteral($"<tr data-partition=\"{Day(e.Partition)}\" data-source=\"{(e.IsExternal ? "external" : "task")}\"><td>{Day(e.Partition)}</td><td>{Time(e.At)}</td><td>{source}</td><td>{extra}</td><td><small class=\"text-muted\">{E(e.Id)}</small></td></tr>");
        }
        WriteLiteral("</tbody></table>");
    }
}
