using System;
using System.Globalization;
using System.Linq;
using Hangfire.Dashboard.Pages;
using NodaTime;
using Pipelines.Calendars;

namespace Pipelines.Hangfire.Dashboard;

/// <summary>One pipeline: its graph coloured by a run's states, the grid of the last N runs, and durations, tries and landing times.</summary>
internal sealed class PipelinePage(string pipelineId) : PipelinesRazorPage
{
    public override void Execute()
    {
        if (!TryGetPipeline(pipelineId, out var pipeline, out var services)) return;
        Layout = new LayoutPage($"Pipeline {pipeline.Id}");
        var count = int.TryParse(Query("runs"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 500 ? n : 25;
        var runs = services.Operations.ListRuns(pipeline.Id, count);
        var selectedId = Query("run");
        var selected = selectedId is null ? runs.FirstOrDefault() : runs.FirstOrDefault(r => r.RunId == selectedId) ?? services.Operations.GetRun(pipeline.Id, selectedId);

        var paused = services.Operations.IsPaused(pipeline.Id);
        WriteLiteral($"<h1 class=\"page-header\">{E(pipeline.Id)} {PauseBadge(paused)}</h1>");
        Breadcrumbs(pipeline.Id);
        WriteLiteral($"<p>{E(pipeline.Description)}</p><p><code>{E(pipeline.Schedule ?? "manual")}</code> in {E(pipeline.TimeZone)}{(pipeline.Calendar is null ? "" : $", {E(pipeline.Calendar)} sessions")}, at most {pipeline.MaxActiveRuns} active run(s).</p>");
        if (!IsReadOnly && pipeline.Parameters is { } parameters)
        {
            // Typed parameters: the button opens a form generated from them instead of triggering with the defaults.
            WriteLiteral($"<p><button type=\"button\" class=\"btn btn-primary pipelines-trigger-open\">Trigger a run&hellip;</button> {PauseButton(pipeline.Id, paused, "")}</p>");
            var today = services.Clock.GetCurrentInstant().InZone(PipelineTimes.Of(pipeline).Zone).Date;
            WriteLiteral(TriggerForm.Html(pipeline, parameters, Url.To($"/pipelines/{PipelinesDashboard.Encode(pipeline.Id)}/trigger-with-parameters"), PipelineUrl(pipeline.Id) + "/runs/", today));
        }
        else if (!IsReadOnly)
            WriteLiteral($"<p><button class=\"btn btn-primary pipelines-trigger\" data-ajax=\"{Url.To($"/pipelines/{PipelinesDashboard.Encode(pipeline.Id)}/trigger")}\" data-loading-text=\"Triggering...\">Trigger a run</button> {PauseButton(pipeline.Id, paused, "")}</p>");

        Assets(pipeline, services);

        WriteLiteral("<h3>Graph</h3>");
        WriteLiteral(selected is null ? "<p class=\"text-muted\">No runs yet: tasks are shown without states.</p>" : $"<p>States of run <a href=\"{RunUrl(pipeline.Id, selected.RunId)}\">{E(selected.RunId)}</a> {Badge(selected.State)}</p>");
        WriteLiteral("<div style=\"overflow:auto\">");
        WriteLiteral(Svg.Graph(pipeline,
            t => selected?[t.Id].State ?? TaskState.None,
            t => selected is null ? null : TaskUrl(pipeline.Id, selected.RunId, t.Id),
            t => selected is not null && selected.Instances.TryGetValue(t.Id, out var instances) ? instances : null));
        WriteLiteral("</div>");
        Legend();

        WriteLiteral($"<h3>Grid <small>last {runs.Count} run(s)</small></h3>");
        if (runs.Count == 0) WriteLiteral("<p class=\"text-muted\">No runs yet.</p>");
        else Grid(pipeline, Oldest(runs));

        if (runs.Count > 0) Charts(pipeline, Oldest(runs));
    }

    /// <summary>
    /// What the pipeline produces, and for a pipeline scheduled on assets what it waits for and what has arrived in its
    /// newest partitions: the same <see cref="AssetReadiness"/> the trigger starts runs by and <c>why</c> prints.
    /// </summary>
    private void Assets(PipelineDefinition pipeline, DashboardServices services)
    {
        var produces = pipeline.Tasks.SelectMany(t => t.Produces.Select(a => (Task: t.Id, Asset: a))).ToList();
        if (produces.Count > 0)
            WriteLiteral("<p class=\"pipelines-produces\">Produces " + string.Join(", ", produces.Select(p => $"<a href=\"{AssetUrl(p.Asset)}\">{E(p.Asset)}</a> <small class=\"text-muted\">({E(p.Task)})</small>")) + "</p>");
        var schedule = Schedules.PipelineSchedule.Parse(pipeline.Schedule);
        if (!schedule.IsAssetScheduled) return;

        var partitions = services.Operations.AssetPartitions(pipeline.Id, 5);
        var readiness = partitions.Count == 0
            ? new[] { services.Operations.ExplainAssets(pipeline.Id) }
            : partitions.Select(p => services.Operations.ExplainAssets(pipeline.Id, p)).ToArray();
        WriteLiteral($"<h3>Assets <small>starts when <code>{E(schedule.AssetCondition)}</code> holds for a partition; times in {E(pipeline.TimeZone)}</small></h3>");
        WriteLiteral("<table class=\"table table-condensed pipelines-asset-readiness\"><thead><tr><th>Partition</th>");
        foreach (var asset in schedule.AssetNames) WriteLiteral($"<th><a href=\"{AssetUrl(asset)}\">{E(asset)}</a></th>");
        WriteLiteral("<th>Why</th></tr></thead><tbody>");
        var zone = Calendars.PipelineTimes.Of(pipeline).Zone;
        foreach (var r in readiness)
        {
            WriteLiteral($"<tr data-partition=\"{Day(r.Partition)}\" data-met=\"{(r.Met ? "true" : "false")}\"><td>{Day(r.Partition)}</td>");
            foreach (var a in r.Assets)
            {
                WriteLiteral(a.Latest is { } e
                    ? $"<td data-asset=\"{E(a.Asset)}\" data-arrived=\"true\"><span class=\"label label-success\">arrived</span> {e.At.InZone(zone).ToString("uuuu-MM-dd HH:mm", CultureInfo.InvariantCulture)}</td>"
                    : $"<td data-asset=\"{E(a.Asset)}\" data-arrived=\"false\"><span class=\"label label-warning\">waiting</span></td>");
            }
            WriteLiteral($"<td class=\"pipelines-asset-why\">{E(r.Sentence)}</td></tr>");
        }
        WriteLiteral("</tbody></table>");
    }

    /// <summary>
    /// The grid of runs × tasks. 500 runs of a 50-task pipeline are 25,000 cells, so a cell is only its state
    /// (<c>&lt;td class="pipelines-cell" data-state="success"&gt;&lt;/td&gt;</c>): colours come from one style sheet, the
    /// run from its column's header, the task from its row, and a small script turns a click into the task instance's page
    /// and a hover into a tooltip.
    /// </summary>
    private void Grid(PipelineDefinition pipeline, System.Collections.Generic.IReadOnlyList<PipelineRun> runs)
    {
        WriteLiteral("<style>table.pipelines-grid td.pipelines-cell{padding:0;width:16px;min-width:16px;height:16px;border:1px solid #ddd;cursor:pointer}");
        foreach (var (state, color) in StateColors.Legend)
            WriteLiteral($"table.pipelines-grid td.pipelines-cell[data-state={state.Name()}]{{background:{color}}}");
        WriteLiteral("</style>");
        var template = PipelineUrl(pipeline.Id) + "/runs/{run}/tasks/{task}";
        WriteLiteral($"<div style=\"overflow:auto\"><table class=\"table table-condensed pipelines-grid\" style=\"width:auto\" data-task-url=\"{E(template)}\"><thead><tr><th>Task</th>");
        var missed = pipeline.Deadline is null ? null : Services!.Operations.MissedDeadlines(pipeline.Id);
        foreach (var run in runs)
        {
            // A run that missed its deadline carries a small mark, and the deadline in its tooltip.
            var late = missed is not null && missed.TryGetValue(run.RunId, out var deadline) ? deadline : (NodaTime.Instant?)null;
            var lateTitle = late is { } at ? $" (missed its deadline {Time(at)})" : "";
            var lateMark = late is null ? "" : "<span class=\"pipelines-deadline-missed\" style=\"color:#d9534f\">&#9200;</span>";
            WriteLiteral($"<th class=\"pipelines-grid-run\" data-run=\"{E(run.RunId)}\"{(late is null ? "" : " data-deadline-missed=\"true\"")} title=\"{E(run.RunId)}: {run.State.Name()}{lateTitle}\" style=\"font-size:10px;writing-mode:vertical-rl\"><a href=\"{PipelineUrl(pipeline.Id)}?run={PipelinesDashboard.Encode(run.RunId)}\">{run.LogicalDate.ToString("MM-dd", CultureInfo.InvariantCulture)}</a>{lateMark}</th>");
        }
        WriteLiteral("</tr></thead><tbody>");
        var lookups = runs.Select(r => r.Tasks).ToList();
        var cells = new System.Text.StringBuilder(runs.Count * 48);
        foreach (var task in pipeline.Tasks)
        {
            cells.Clear();
            cells.Append("<tr data-task=\"").Append(E(task.Id)).Append("\"><td>").Append(E(task.Id)).Append("</td>");
            for (var r = 0; r < runs.Count; r++)
            {
                // A mapped task's cell is its aggregate state (the worst of its instances) with their count.
                cells.Append("<td class=\"pipelines-cell\" data-state=\"").Append(lookups[r][task.Index].State.Name()).Append('"');
                if (task.MapOver is not null && runs[r].Instances.TryGetValue(task.Id, out var instances))
                    cells.Append(" data-map-count=\"").Append(instances.Length.ToString(CultureInfo.InvariantCulture)).Append("\" style=\"font-size:9px;text-align:center\">").Append(instances.Length.ToString(CultureInfo.InvariantCulture)).Append("</td>");
                else
                    cells.Append("></td>");
            }
            cells.Append("</tr>");
            WriteLiteral(cells.ToString());
        }
        WriteLiteral("</tbody></table></div>");
        WriteLiteral("""
            <script>
            (function () {
              var grid = document.querySelector('table.pipelines-grid');
              if (!grid) return;
              var heads = grid.querySelectorAll('th.pipelines-grid-run');
              function where(cell) {
                return { run: heads[cell.cellIndex - 1].dataset.run, task: cell.parentElement.dataset.task };
              }
              grid.addEventListener('click', function (e) {
                var cell = e.target.closest('td.pipelines-cell');
                if (!cell) return;
                var at = where(cell);
                location.href = grid.dataset.taskUrl.replace('{run}', encodeURIComponent(at.run)).replace('{task}', encodeURIComponent(at.task));
              });
              grid.addEventListener('mouseover', function (e) {
                var cell = e.target.closest('td.pipelines-cell');
                if (!cell || cell.title) return;
                var at = where(cell);
                cell.title = at.task + ' in ' + at.run + ': ' + cell.dataset.state;
              });
            })();
            </script>
            """);
    }

    private void Charts(PipelineDefinition pipeline, System.Collections.Generic.IReadOnlyList<PipelineRun> runs)
    {
        var labels = runs.Select(r => r.LogicalDate.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture)).ToList();
        WriteLiteral("<h3>Task durations <small>seconds, per run</small></h3>");
        WriteLiteral(Svg.Lines("pipelines-durations", "s", labels,
            pipeline.Tasks.Select(t => (t.Id, runs.Select(r => r.Tasks[t.Index].Duration?.TotalSeconds).ToArray())).ToList()));
        WriteLiteral("<h3>Tries <small>per run, all tasks</small></h3>");
        WriteLiteral(Svg.Lines("pipelines-tries", "tries", labels,
            new[] { ("tries", runs.Select(r => (double?)r.Tasks.Sum(t => t.TryNumber)).ToArray()) }));
        WriteLiteral("<h3>Landing times <small>minutes from the scheduled time to the end of the run</small></h3>");
        WriteLiteral(Svg.Lines("pipelines-landing", "min", labels,
            new[] { ("landing", runs.Select(r => r.EndedAt is { } end ? (double?)Math.Max(0, (end - ScheduledAt(r)).TotalMinutes) : null).ToArray()) }));
    }

    /// <summary>When a run was due: the end of its data interval for scheduled runs, its creation otherwise.</summary>
    private static Instant ScheduledAt(PipelineRun run) => run.Kind == RunKind.Scheduled && run.DataInterval.HasEnd ? run.DataInterval.End : run.CreatedAt;
}
