using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Hangfire.Dashboard;
using Hangfire.Dashboard.Pages;
using NodaTime;

namespace Pipelines.Hangfire.Dashboard;

/// <summary>Shared pieces of the pipeline pages: the runtime lookup, links, state badges, the legend, and missing-thing pages.</summary>
internal abstract class PipelinesRazorPage : RazorPage
{
    protected DashboardServices? Services => PipelinesDashboard.For(Storage);

    protected string PipelineUrl(string pipelineId) => Url.To($"/pipelines/{PipelinesDashboard.Encode(pipelineId)}");

    protected string RunUrl(string pipelineId, string runId) => Url.To($"/pipelines/{PipelinesDashboard.Encode(pipelineId)}/runs/{PipelinesDashboard.Encode(runId)}");

    protected string TaskUrl(string pipelineId, string runId, string taskId) => RunUrl(pipelineId, runId) + "/tasks/" + PipelinesDashboard.Encode(taskId);

    protected string AssetUrl(string asset) => Url.To($"/assets/{PipelinesDashboard.Encode(asset)}");

    protected static string E(string? text) => HtmlText.Encode(text);

    protected static string Day(LocalDate date) => date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The producing tasks of an asset as links to their pipelines, or "external" when nothing here produces it.</summary>
    protected string Producers(AssetLineage asset) => asset.IsExternal
        ? "<span class=\"text-muted\">external: posted with <code>asset-event</code></span>"
        : string.Join(", ", asset.Producers.Select(p => $"<a href=\"{PipelineUrl(p.PipelineId)}\">{E(p.PipelineId)}</a>.{E(p.TaskId)}"));

    /// <summary>The pipelines scheduled on an asset as links, or a muted "none".</summary>
    protected string Consumers(AssetLineage asset) => asset.Consumers.Count == 0
        ? "<span class=\"text-muted\">none</span>"
        : string.Join(", ", asset.Consumers.Select(c => $"<a href=\"{PipelineUrl(c)}\">{E(c)}</a>"));

    protected static string Badge(TaskState state) =>
        $"<span class=\"label pipelines-state\" data-state=\"{state.Name()}\" style=\"background:{StateColors.For(state)};color:{StateColors.Text(state)}\">{state.Name()}</span>";

    protected static string Badge(RunState state) =>
        $"<span class=\"label pipelines-run-state\" data-state=\"{state.Name()}\" style=\"background:{StateColors.For(state)}\">{state.Name()}</span>";

    /// <summary>The pipeline's pause state as a label: "paused" stands out, "active" stays quiet.</summary>
    protected static string PauseBadge(bool paused) => paused
        ? "<span class=\"label label-warning pipelines-paused\" data-paused=\"true\" title=\"No new runs or tasks start until it is unpaused\">paused</span>"
        : "<span class=\"label label-default pipelines-paused\" data-paused=\"false\">active</span>";

    /// <summary>The Pause or Unpause button, posting through Hangfire's command dispatcher (the page reloads after it).</summary>
    protected string PauseButton(string pipelineId, bool paused, string size)
    {
        var action = paused ? "unpause" : "pause";
        var text = paused ? "Unpause" : "Pause";
        return $"<button class=\"btn {size} btn-default pipelines-{action}\" data-ajax=\"{Url.To($"/pipelines/{PipelinesDashboard.Encode(pipelineId)}/{action}")}\" data-loading-text=\"{text[..^1]}ing...\">{text}</button>";
    }

    protected static string Time(Instant? instant) => instant is { } i ? i.ToString("uuuu-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "";

    protected static string Span(Duration? duration) => duration is { } d ? d.ToString("H:mm:ss.fff", CultureInfo.InvariantCulture) : "";

    protected void Legend()
    {
        WriteLiteral("<div class=\"pipelines-legend\" style=\"margin:8px 0\">");
        foreach (var (state, _) in StateColors.Legend) WriteLiteral(Badge(state) + " ");
        WriteLiteral("</div>");
    }

    /// <summary>Writes a "not found" page with a 404 status and returns false when the runtime or thing is missing.</summary>
    protected bool NotFound(string title, string message)
    {
        Layout = new LayoutPage(title);
        Context.Response.StatusCode = 404;
        WriteLiteral($"<h1 class=\"page-header\">{E(title)}</h1><div class=\"alert alert-warning\">{E(message)}</div>");
        return false;
    }

    protected bool TryGetPipeline(string pipelineId, out PipelineDefinition pipeline, out DashboardServices services)
    {
        pipeline = null!;
        services = Services!;
        if (services is null)
            return NotFound("Pipelines", "No Pipelines runtime uses this dashboard's storage. Call services.AddPipelines() in the app that maps the dashboard.");
        if (!services.Operations.Registry.TryGet(pipelineId, out pipeline))
            return NotFound("Pipeline not found", $"No pipeline has the id '{pipelineId}'. Known pipelines: {string.Join(", ", services.Operations.Registry.All.Select(p => p.Id))}.");
        return true;
    }

    protected bool TryGetRun(string pipelineId, string runId, out PipelineDefinition pipeline, out DashboardServices services, out PipelineRun run)
    {
        run = null!;
        if (!TryGetPipeline(pipelineId, out pipeline, out services)) return false;
        if (services.Operations.GetRun(pipeline.Id, runId) is not { } found)
            return NotFound("Run not found", $"Pipeline '{pipeline.Id}' has no run '{runId}'.");
        run = found;
        return true;
    }

    protected void Breadcrumbs(string title, params (string Text, string Url)[] items)
    {
        WriteLiteral("<ol class=\"breadcrumb\">");
        WriteLiteral($"<li><a href=\"{Url.To("/pipelines")}\">Pipelines</a></li>");
        foreach (var (text, url) in items) WriteLiteral($"<li><a href=\"{url}\">{E(text)}</a></li>");
        WriteLiteral($"<li class=\"active\">{E(title)}</li></ol>");
    }

    protected static IReadOnlyList<PipelineRun> Oldest(IReadOnlyList<PipelineRun> newestFirst) => newestFirst.Reverse().ToList();
}
