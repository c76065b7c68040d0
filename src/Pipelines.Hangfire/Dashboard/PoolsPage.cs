using System.Globalization;
using Hangfire.Dashboard.Pages;

namespace Pipelines.Hangfire.Dashboard;

/// <summary>Every pool with its slots and how many are running, queued (asked for by waiting tasks) and open, as Airflow's pool list.</summary>
internal sealed class PoolsPage : PipelinesRazorPage
{
    public override void Execute()
    {
        Layout = new LayoutPage("Pools");
        if (Services is not { } services)
        {
            NotFound("Pools", "No Pipelines runtime uses this dashboard's storage. Call services.AddPipelines() in the app that maps the dashboard.");
            return;
        }
        WriteLiteral("<h1 class=\"page-header\">Pools</h1>");
        var pools = services.Operations.Pools();
        if (pools.Count == 0)
        {
            WriteLiteral("<p class=\"text-muted\">No pools. Declare one with <code>[assembly: Pool(\"name\", Slots = n)]</code> or configure <code>Pipelines:Pools:name</code>.</p>");
            return;
        }
        WriteLiteral("<table class=\"table table-striped pipelines-pools\"><thead><tr><th>Pool</th><th>Slots</th><th>Running</th><th>Queued</th><th>Open</th><th>Description</th></tr></thead><tbody>");
        foreach (var pool in pools)
            WriteLiteral($"<tr data-pool=\"{E(pool.Name)}\"><td>{E(pool.Name)}</td><td>{N(pool.Slots)}</td><td>{N(pool.Running)}</td><td>{N(pool.Queued)}</td><td>{N(pool.Open)}</td><td>{E(pool.Description)}</td></tr>");
        WriteLiteral("</tbody></table>");
    }

    private static string N(int value) => value.ToString(CultureInfo.InvariantCulture);
}
