using System.Linq;
using Hangfire.Dashboard.Pages;

namespace Pipelines.Hangfire.Dashboard;

/// <summary>One run: its state, a Gantt chart, and every task instance with the sentence that says why it is in its state.</summary>
internal sealed class RunPage(string pipelineId, string runId) : PipelinesRazorPage
{
    public override void Execute()
    {
        if (!TryGetRun(pipelineId, runId, out var pipeline, out var services, out var run)) return;
        Layout = new LayoutPage($"{pipeline.Id} {run.RunId}");
        WriteLiteral($"<h1 class=\"page-header\">{E(pipeline.Id)} <small>{E(run.RunId)}</small></h1>");
        Breadcrumbs(run.RunId, (pipeline.Id, PipelineUrl(pipeline.Id)));
        WriteLiteral($"<p>{Badge(run.State)} logical date {run.LogicalDate:yyyy-MM-dd}, {run.Kind.ToString().ToLowerInvariant()}, created {Time(run.CreatedAt)}, ended {Time(run.EndedAt)}</p>");
        DeadlineLine(pipeline, services, run);
        ParametersTable(pipeline, run);
        WriteLiteral("<h3>Gantt</h3><div style=\"overflow:auto\">");
        WriteLiteral(Svg.Gantt(run, t => TaskUrl(pipeline.Id, run.RunId, t.TaskId), services.Clock.GetCurrentInstant()));
        WriteLiteral("</div><h3>Tasks</h3><table class=\"table pipelines-tasks\"><thead><tr><th>Task</th><th>State</th><th>Try</th><th>Start</th><th>Duration</th><th>Why</th></tr></thead><tbody>");
        foreach (var task in run.Tasks)
        {
            if (!run.Instances.TryGetValue(task.TaskId, out var instances))
            {
                WriteLiteral($"<tr data-task=\"{E(task.TaskId)}\"><td><a href=\"{TaskUrl(pipeline.Id, run.RunId, task.TaskId)}\">{E(task.TaskId)}</a></td><td>{Badge(task.State)}</td><td>{task.TryNumber}</td><td>{Time(task.Start)}</td><td>{Span(task.Duration)}</td><td>{E(task.Reason)}</td></tr>");
                continue;
            }
            // A mapped task: its aggregate row, then one row per instance with its map index and label.
            WriteLiteral($"<tr data-task=\"{E(task.TaskId)}\" data-map-count=\"{instances.Length}\"><td><a href=\"{TaskUrl(pipeline.Id, run.RunId, task.TaskId)}\">{E(task.TaskId)}</a> <small class=\"text-muted\">mapped, {E(MapSummary.Describe(instances))}</small></td><td>{Badge(task.State)}</td><td></td><td>{Time(task.Start)}</td><td>{Span(task.Duration)}</td><td>{E(task.Reason)}</td></tr>");
            var labels = services.Operations.GetMapLabels(pipeline.Id, run.RunId, task.TaskId);
            for (var i = 0; i < instances.Length; i++)
            {
                var instance = instances[i];
                var label = i < labels.Count ? labels[i] : null;
                WriteLiteral($"<tr class=\"pipelines-map-instance\" data-task=\"{E(instance.TaskId)}\" data-map-index=\"{i}\"><td style=\"padding-left:2em\"><a href=\"{TaskUrl(pipeline.Id, run.RunId, instance.TaskId)}\">[{i}]</a> <span class=\"pipelines-map-label\">{E(label)}</span></td><td>{Badge(instance.State)}</td><td>{instance.TryNumber}</td><td>{Time(instance.Start)}</td><td>{Span(instance.Duration)}</td><td>{E(instance.Reason)}</td></tr>");
            }
        }
        WriteLiteral("</tbody></table>");
        Legend();
    }

    /// <summary>The parameters the run was triggered with (typed ones in the record's order, defaults included), when it has any.</summary>
    private void ParametersTable(PipelineDefinition pipeline, PipelineRun run)
    {
        if (run.Parameters.Count == 0) return;
        var typed = pipeline.Parameters?.Parameters.Select(p => p.Name).Where(run.Parameters.ContainsKey).ToList() ?? new();
        var names = typed.Concat(run.Parameters.Keys.Where(k => !typed.Contains(k)).OrderBy(k => k, System.StringComparer.Ordinal));
        WriteLiteral("<h3>Parameters</h3><table class=\"table table-condensed pipelines-parameters\"><tbody>");
        foreach (var name in names)
            WriteLiteral($"<tr data-parameter=\"{E(name)}\"><th>{E(name)}</th><td><code>{E(run.Parameters[name])}</code></td></tr>");
        WriteLiteral("</tbody></table>");
    }

    /// <summary>The run's deadline, and a mark when it missed it (as the deadline watcher recorded).</summary>
    private void DeadlineLine(PipelineDefinition pipeline, DashboardServices services, PipelineRun run)
    {
        if (pipeline.Deadline is null) return;
        var deadline = Pipelines.Calendars.DeadlineSchedule.For(pipeline)?.For(run.LogicalDate, run.DataInterval.HasEnd ? run.DataInterval.End : null);
        if (services.Operations.MissedDeadline(pipeline.Id, run.RunId) is { } missed)
            WriteLiteral($"<p class=\"pipelines-deadline-missed text-danger\">&#9200; Missed its deadline {E(pipeline.Deadline)} ({Time(missed)}).</p>");
        else if (deadline is { } at)
            WriteLiteral($"<p class=\"pipelines-deadline\">Deadline {E(pipeline.Deadline)} ({Time(at)}).</p>");
    }
}
