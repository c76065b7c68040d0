using Pipelines.Calendars;
using System;
using Hangfire.Dashboard;
using NodaTime;

namespace Pipelines.Hangfire.Dashboard;

/// <summary>
/// The dashboard's actions. They run through Hangfire's command dispatcher: POST only, refused (401) in read-only
/// dashboards, behind the dashboard's authorization filters and antiforgery validation; false answers 422.
/// </summary>
internal static class Commands
{
    public static bool Trigger(DashboardContext context)
    {
        if (PipelinesDashboard.For(context.Storage) is not { } services) return false;
        var pipelineId = context.UriMatch.Groups["pipeline"].Value;
        if (!services.Operations.Registry.TryGet(pipelineId, out var pipeline)) return false;
        var today = services.Clock.GetCurrentInstant().InZone(PipelineTimes.Of(pipeline).Zone).Date;
        services.Operations.Trigger(pipeline.Id, today);
        return true;
    }

    /// <summary>
    /// Pauses or unpauses the pipeline (the route's <c>action</c>). Asking for the state it is already in succeeds: the
    /// page reloads and shows it, as when two operators click the same button.
    /// </summary>
    public static bool SetPaused(DashboardContext context)
    {
        if (PipelinesDashboard.For(context.Storage) is not { } services) return false;
        if (!services.Operations.Registry.TryGet(context.UriMatch.Groups["pipeline"].Value, out var pipeline)) return false;
        if (context.UriMatch.Groups["action"].Value == "pause") services.Operations.Pause(pipeline.Id);
        else services.Operations.Unpause(pipeline.Id);
        return true;
    }

    public static bool Clear(DashboardContext context)
    {
        if (!Resolve(context, out var services, out var pipeline, out var runId, out var taskId)) return false;
        var scope = (context.Request.GetQuery("downstream") == "1" ? ClearScope.Downstream : ClearScope.Task)
                    | (context.Request.GetQuery("upstream") == "1" ? ClearScope.Upstream : ClearScope.Task);
        var onlyFailed = context.Request.GetQuery("onlyFailed") == "1";
        return services.Operations.Clear(pipeline.Id, runId, new[] { taskId }, scope, onlyFailed).Count > 0;
    }

    public static bool Mark(DashboardContext context)
    {
        if (!Resolve(context, out var services, out var pipeline, out var runId, out var taskId)) return false;
        var state = context.UriMatch.Groups["state"].Value == "success" ? TaskState.Success : TaskState.Failed;
        services.Operations.MarkState(pipeline.Id, runId, taskId, state);
        return true;
    }

    private static bool Resolve(DashboardContext context, out DashboardServices services, out PipelineDefinition pipeline, out string runId, out string taskId)
    {
        services = PipelinesDashboard.For(context.Storage)!;
        pipeline = null!;
        runId = Uri.UnescapeDataString(context.UriMatch.Groups["run"].Value);
        taskId = context.UriMatch.Groups["task"].Value;
        return services is not null
            && services.Operations.Registry.TryGet(context.UriMatch.Groups["pipeline"].Value, out pipeline)
            && MapKey.TryDefinition(pipeline, taskId, out _)
            && services.Operations.GetRun(pipeline.Id, runId) is not null;
    }
}
