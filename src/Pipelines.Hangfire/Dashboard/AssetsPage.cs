using System.Linq;
using Hangfire.Dashboard.Pages;

namespace Pipelines.Hangfire.Dashboard;

/// <summary>Every asset with its producers, consumers and newest event, and the lineage across pipelines as a graph.</summary>
internal sealed class AssetsPage : PipelinesRazorPage
{
    public override void Execute()
    {
        Layout = new LayoutPage("Assets");
        if (Services is not { } services)
        {
            NotFound("Assets", "No Pipelines runtime uses this dashboard's storage. Call services.AddPipelines() in the app that maps the dashboard.");
            return;
        }
        WriteLiteral("<h1 class=\"page-header\">Assets</h1>");
        var assets = services.Operations.ListAssets();
        if (assets.Count == 0)
        {
            WriteLiteral("<p class=\"text-muted\">No assets. Mark a task with <code>[Produces(\"name\")]</code> and schedule a pipeline on it with <code>Schedule = \"@assets(name)\"</code>.</p>");
            return;
        }
        WriteLiteral("<h3>Lineage <small>pipelines produce assets (&#8594;) that start the pipelines scheduled on them</small></h3><div style=\"overflow:auto\">");
        WriteLiteral(Svg.Lineage(assets, PipelineUrl, AssetUrl));
        WriteLiteral("</div>");

        WriteLiteral("<h3>Assets</h3><table class=\"table table-striped pipelines-assets\"><thead><tr><th>Asset</th><th>Produced by</th><th>Consumed by</th><th>Newest event</th></tr></thead><tbody>");
        foreach (var asset in assets)
        {
            var newest = services.Operations.AssetEvents(asset.Asset, 1).FirstOrDefault();
            WriteLiteral($"<tr data-asset=\"{E(asset.Asset)}\"><td><a href=\"{AssetUrl(asset.Asset)}\">{E(asset.Asset)}</a></td>");
            WriteLiteral($"<td>{Producers(asset)}</td><td>{Consumers(asset)}</td>");
            WriteLiteral($"<td>{(newest is null ? "<span class=\"text-muted\">none yet</span>" : $"{Day(newest.Partition)} <small class=\"text-muted\">at {Time(newest.At)}</small>")}</td></tr>");
        }
        WriteLiteral("</tbody></table>");
    }
}
