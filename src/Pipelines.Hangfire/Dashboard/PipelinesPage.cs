using System.Globalization;
using System.Linq;
using Hangfire.Dashboard.Pages;
using Pipelines.Calendars;
using Pipelines.Schedules;

namespace Pipelines.Hangfire.Dashboard;

/// <summary>Every pipeline: schedule, time zone, calendar, next run, the last runs as coloured dots, whether it is paused, and trigger and pause/unpause buttons.</summary>
internal sealed class PipelinesPage : PipelinesRazorPage
{
    public override void Execute()
    {
        Layout = new LayoutPage("Pipelines");
        var services = Services;
        if (services is null)
        {
            NotFound("Pipelines", "No Pipelines runtime uses this dashboard's storage. Call services.AddPipelines() in the app that maps the dashboard.");
            return;
        }
        var now = services.Clock.GetCurrentInstant();
        WriteLiteral("<h1 class=\"page-header\">Pipelines</h1>");
        WriteLiteral("<table class=\"table table-striped pipelines-list\"><thead><tr><th>Pipeline</th><th>Schedule</th><th>Time zone</th><th>Calendar</th><th>Next run</th><th>Last runs</th><th></th></tr></thead><tbody>");
        var paused = services.Operations.PausedPipelines();
        foreach (var pipeline in services.Operations.Registry.All)
        {
            var isPaused = paused.Contains(pipeline.Id);
            var runs = services.Operations.ListRuns(pipeline.Id, 10);
            var dots = string.Concat(Oldest(runs).Select(r =>
                $"<a href=\"{RunUrl(pipeline.Id, r.RunId)}\" class=\"pipelines-run-dot\" data-state=\"{r.State.Name()}\" title=\"{E(r.RunId)}: {r.State.Name()}\" style=\"display:inline-block;width:12px;height:12px;border-radius:6px;margin-right:2px;background:{StateColors.For(r.State)}\"></a>"));
            WriteLiteral($"<tr data-pipeline=\"{E(pipeline.Id)}\" data-paused=\"{(isPaused ? "true" : "false")}\"><td><a href=\"{PipelineUrl(pipeline.Id)}\">{E(pipeline.Id)}</a> {PauseBadge(isPaused)}<br><small class=\"text-muted\">{E(pipeline.Description)}</small></td>");
            WriteLiteral($"<td><code>{E(pipeline.Schedule ?? "manual")}</code></td><td>{E(pipeline.TimeZone)}</td><td>{E(pipeline.Calendar ?? "")}</td><td>{E(NextRun(pipeline, now))}</td><td>{dots}</td>");
            WriteLiteral("<td>");
            if (!IsReadOnly)
            {
                // A pipeline with typed parameters is triggered through its form, on its own page.
                if (pipeline.Parameters is not null)
                    WriteLiteral($"<a class=\"btn btn-sm btn-primary pipelines-trigger-form-link\" href=\"{PipelineUrl(pipeline.Id)}#trigger\">Trigger&hellip;</a> ");
                else
                    WriteLiteral($"<button class=\"btn btn-sm btn-primary pipelines-trigger\" data-ajax=\"{Url.To($"/pipelines/{PipelinesDashboard.Encode(pipeline.Id)}/trigger")}\" data-loading-text=\"Triggering...\">Trigger</button> ");
                WriteLiteral(PauseButton(pipeline.Id, isPaused, "btn-sm"));
            }
            WriteLiteral("</td></tr>");
        }
        WriteLiteral("</tbody></table>");
        Legend();
    }

    private static string NextRun(PipelineDefinition pipeline, NodaTime.Instant now)
    {
        var schedule = PipelineTimes.Of(pipeline).Schedule;
        if (PipelineTimetable.For(pipeline) is not { } timetable) return schedule.IsOnce ? "once" : schedule.IsAssetScheduled ? "when its assets land" : "manual";
        return timetable.NextAfter(now) is { } next ? next.At.InZone(timetable.Zone).ToString("uuuu-MM-dd HH:mm o<g>", CultureInfo.InvariantCulture) : "";
    }
}
