using System.Linq;
using Hangfire.Dashboard.Pages;

namespace Pipelines.Hangfire.Dashboard;

/// <summary>
/// One task instance: state, tries, times, server, the Hangfire jobs behind it, and each dependency the scheduler checks,
/// met or not, in a sentence, from the same code the coordinator decides with. Actions: clear and mark.
/// </summary>
internal sealed class TaskInstancePage(string pipelineId, string runId, string taskId) : PipelinesRazorPage
{
    public override void Execute()
    {
        if (!TryGetRun(pipelineId, runId, out var pipeline, out var services, out var run)) return;
        if (!MapKey.TryDefinition(pipeline, taskId, out var definition) || MapKey.IndexOf(taskId) is { } index && (definition.MapOver is null || !run.Instances.TryGetValue(definition.Id, out var all) || index >= all.Length))
        {
            NotFound("Task not found", $"Pipeline '{pipeline.Id}' has no task '{taskId}'. Its tasks: {string.Join(", ", pipeline.Tasks.Select(t => t.Id))}.");
            return;
        }
        var task = run[taskId];
        Layout = new LayoutPage($"{pipeline.Id}.{taskId}");
        WriteLiteral($"<h1 class=\"page-header\">{E(pipeline.Id)}.{E(taskId)} <small>{E(run.RunId)}</small></h1>");
        Breadcrumbs(taskId, (pipeline.Id, PipelineUrl(pipeline.Id)), (run.RunId, RunUrl(pipeline.Id, run.RunId)));

        WriteLiteral("<table class=\"table pipelines-instance\" style=\"width:auto\"><tbody>");
        Row("State", Badge(task.State));
        if (MapKey.IndexOf(taskId) is { } mapIndex)
        {
            var labels = services.Operations.GetMapLabels(pipeline.Id, run.RunId, definition.Id);
            Row("Map index", $"<span class=\"pipelines-map-index\">{mapIndex}</span> of <a href=\"{TaskUrl(pipeline.Id, run.RunId, definition.Id)}\">{E(definition.Id)}</a>");
            Row("Label", $"<span class=\"pipelines-map-label\">{E(mapIndex < labels.Count ? labels[mapIndex] : null)}</span>");
        }
        Row("Why", $"<span class=\"pipelines-reason\">{E(task.Reason)}</span>");
        Row("Try", task.FirstTry == 1
            ? $"{task.TryNumber} of {definition.Retries + 1}"
            : $"{task.TryNumber}: {task.TryOfAttempt} of {definition.Retries + 1} since it was cleared before try {task.FirstTry}");
        Row("Kind", definition.Kind.ToString().ToLowerInvariant());
        Row("Trigger rule", TriggerRuleEvaluator.RuleName(definition.Trigger));
        Row("Queue", E(definition.Queue));
        Row("Started", Time(task.Start));
        Row("Ended", Time(task.End));
        Row("Duration", Span(task.Duration));
        Row("Server", E(task.Server));
        var jobs = task.JobIds.IsDefaultOrEmpty ? "none" : string.Join(" ", task.JobIds.Select(id => $"<a class=\"pipelines-job\" href=\"{Url.JobDetails(id)}\">#{E(id)}</a>"));
        Row("Hangfire jobs", jobs);
        var output = services.Operations.GetOutput(pipeline.Id, run.RunId, taskId);
        if (output is not null) Row("Output", $"<code>{E(output.Length > 2000 ? output[..2000] + "…" : output)}</code>");
        WriteLiteral("</tbody></table>");
        if (run.Instances.TryGetValue(taskId, out var instances)) Instances(pipeline, run, instances, services);

        WriteLiteral("<h3>Why is this task (not) running?</h3><ul class=\"list-group pipelines-explanation\">");
        foreach (var dependency in services.Operations.Explain(pipeline.Id, run.RunId, taskId))
        {
            var css = dependency.Met ? "list-group-item-success" : "list-group-item-warning";
            WriteLiteral($"<li class=\"list-group-item {css} pipelines-dependency\" data-met=\"{(dependency.Met ? "true" : "false")}\"><strong>{E(dependency.Name)}</strong>: {(dependency.Met ? "met" : "not met")}. {E(dependency.Sentence)}</li>");
        }
        WriteLiteral("</ul>");

        Log(services.Operations.GetLog(pipeline.Id, run.RunId, taskId));

        if (!IsReadOnly)
        {
            var baseUrl = Url.To($"/pipelines/{PipelinesDashboard.Encode(pipeline.Id)}/runs/{PipelinesDashboard.Encode(run.RunId)}/tasks/{PipelinesDashboard.Encode(taskId)}");
            WriteLiteral("<h3>Actions</h3><div class=\"btn-group pipelines-actions\">");
            WriteLiteral($"<button class=\"btn btn-default pipelines-clear\" data-ajax=\"{baseUrl}/clear?downstream=1\" data-loading-text=\"Clearing...\">Clear with downstream</button>");
            WriteLiteral($"<button class=\"btn btn-default pipelines-clear-task\" data-ajax=\"{baseUrl}/clear\" data-loading-text=\"Clearing...\">Clear this task</button>");
            WriteLiteral($"<button class=\"btn btn-default pipelines-clear-upstream\" data-ajax=\"{baseUrl}/clear?upstream=1&amp;downstream=1\" data-loading-text=\"Clearing...\">Clear with upstream and downstream</button>");
            WriteLiteral($"<button class=\"btn btn-default pipelines-clear-failed\" data-ajax=\"{baseUrl}/clear?downstream=1&amp;onlyFailed=1\" data-loading-text=\"Clearing...\">Clear failed only</button>");
            WriteLiteral($"<button class=\"btn btn-success pipelines-mark-success\" data-ajax=\"{baseUrl}/mark/success\" data-loading-text=\"Marking...\">Mark success</button>");
            WriteLiteral($"<button class=\"btn btn-danger pipelines-mark-failed\" data-ajax=\"{baseUrl}/mark/failed\" data-loading-text=\"Marking...\">Mark failed</button>");
            WriteLiteral("</div>");
        }
    }

    private void Log(System.Collections.Generic.IReadOnlyList<TaskLogLine> lines)
    {
        WriteLiteral("<h3>Log <small>what the task wrote to RunContext.Logger</small></h3>");
        if (lines.Count == 0)
        {
            WriteLiteral("<p class=\"text-muted pipelines-log-empty\">Nothing logged yet.</p>");
            return;
        }
        foreach (var group in lines.GroupBy(l => l.Try))
        {
            WriteLiteral($"<h4>Try {group.Key}</h4><pre class=\"pipelines-log\" data-try=\"{group.Key}\" style=\"max-height:480px;overflow:auto\">");
            foreach (var line in group)
            {
                var css = line.Level >= Microsoft.Extensions.Logging.LogLevel.Error ? "text-danger" : line.Level == Microsoft.Extensions.Logging.LogLevel.Warning ? "text-warning" : "";
                WriteLiteral($"<span class=\"pipelines-log-line {css}\" data-level=\"{LevelName(line.Level)}\">{E(Time(line.Time))} {LevelName(line.Level),-5} {E(line.Message)}</span>\n");
            }
            WriteLiteral("</pre>");
        }
    }

    private static string LevelName(Microsoft.Extensions.Logging.LogLevel level) => level switch
    {
        Microsoft.Extensions.Logging.LogLevel.Trace => "TRACE",
        Microsoft.Extensions.Logging.LogLevel.Debug => "DEBUG",
        Microsoft.Extensions.Logging.LogLevel.Information => "INFO",
        Microsoft.Extensions.Logging.LogLevel.Warning => "WARN",
        Microsoft.Extensions.Logging.LogLevel.Error => "ERROR",
        _ => "CRIT",
    };

    /// <summary>A mapped task's instances, each with its map index, label and state, linked to its own page.</summary>
    private void Instances(PipelineDefinition pipeline, PipelineRun run, System.Collections.Immutable.ImmutableArray<TaskInstance> instances, DashboardServices services)
    {
        var labels = services.Operations.GetMapLabels(pipeline.Id, run.RunId, taskId);
        WriteLiteral($"<h3>Instances <small>{E(MapSummary.Describe(instances))}</small></h3><table class=\"table table-condensed pipelines-map-instances\" style=\"width:auto\"><thead><tr><th>Map index</th><th>Label</th><th>State</th><th>Try</th><th>Duration</th></tr></thead><tbody>");
        for (var i = 0; i < instances.Length; i++)
        {
            WriteLiteral($"<tr data-task=\"{E(instances[i].TaskId)}\" data-map-index=\"{i}\"><td><a href=\"{TaskUrl(pipeline.Id, run.RunId, instances[i].TaskId)}\">{i}</a></td><td class=\"pipelines-map-label\">{E(i < labels.Count ? labels[i] : null)}</td><td>{Badge(instances[i].State)}</td><td>{instances[i].TryNumber}</td><td>{Span(instances[i].Duration)}</td></tr>");
        }
        WriteLiteral("</tbody></table>");
    }

    private void Row(string name, string html) => WriteLiteral($"<tr><th>{E(name)}</th><td>{html}</td></tr>");
}
