using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Hangfire;
using Hangfire.Dashboard;
using NodaTime;

namespace Pipelines.Hangfire.Dashboard;

/// <summary>
/// The pipeline pages in the standard Hangfire dashboard: a "Pipelines" menu item, pipeline pages (graph, grid of runs,
/// durations, tries, landing times), run pages (Gantt), asset pages (the lineage across pipelines, events by partition), task instance pages (why a task is or is not running), and
/// actions (trigger, pause, unpause, clear, mark) that go through Hangfire's command dispatcher, so they carry its antiforgery token and
/// are refused in read-only dashboards. They work wherever the dashboard is mapped: the runtime on the dashboard's
/// storage is found by that storage.
/// </summary>
public static class PipelinesDashboard
{
    private static readonly object s_gate = new();
    private static readonly ConditionalWeakTable<JobStorage, DashboardServices> s_byStorage = new();
    private static bool s_registered;

    /// <summary>Adds the routes and the menu item to Hangfire's dashboard, once per process.</summary>
    public static void Register()
    {
        lock (s_gate)
        {
            if (s_registered) return;
            s_registered = true;
            var routes = DashboardRoutes.Routes;
            const string Id = "(?<pipeline>[A-Za-z0-9_.-]+)";
            const string Run = "(?<run>[^/]+)";
            const string Task = @"(?<task>[A-Za-z0-9_]+(?:\[[0-9]+\])?)";
            routes.AddRazorPage("/pipelines/?$", _ => new PipelinesPage());
            routes.AddRazorPage("/pools/?$", _ => new PoolsPage());
            routes.AddRazorPage("/assets/?$", _ => new AssetsPage());
            // An asset name may hold '/', so links escape it and the route takes one escaped segment.
            routes.AddRazorPage("/assets/(?<asset>[^/]+)/?$", m => new AssetPage(Decode(m.Groups["asset"].Value)));
            routes.AddRazorPage($"/pipelines/{Id}/?$", m => new PipelinePage(m.Groups["pipeline"].Value));
            routes.AddRazorPage($"/pipelines/{Id}/runs/{Run}/?$", m => new RunPage(m.Groups["pipeline"].Value, Decode(m.Groups["run"].Value)));
            routes.AddRazorPage($"/pipelines/{Id}/runs/{Run}/tasks/{Task}/?$", m => new TaskInstancePage(m.Groups["pipeline"].Value, Decode(m.Groups["run"].Value), m.Groups["task"].Value));
            routes.AddCommand($"/pipelines/{Id}/trigger$", context => Commands.Trigger(context));
            routes.Add($"/pipelines/{Id}/trigger-with-parameters$", new TriggerWithParametersDispatcher());
            routes.AddCommand($"/pipelines/{Id}/(?<action>pause|unpause)$", context => Commands.SetPaused(context));
            routes.AddCommand($"/pipelines/{Id}/runs/{Run}/tasks/{Task}/clear$", context => Commands.Clear(context));
            routes.AddCommand($"/pipelines/{Id}/runs/{Run}/tasks/{Task}/mark/(?<state>success|failed)$", context => Commands.Mark(context));
            // Hangfire's job page lists each job's history; our "Pipeline task" entry links the job to its task instance.
            JobHistoryRenderer.AddStateCssSuffix(PipelineTaskState.StateName, "info");
            JobHistoryRenderer.Register(PipelineTaskState.StateName, (_, data) => new NonEscapedString(TaskLink(data)));
            NavigationMenu.Items.Add(page => new MenuItem("Pipelines", page.Url.To("/pipelines"))
            {
                Active = page.RequestPath.StartsWith("/pipelines", StringComparison.Ordinal),
            });
            NavigationMenu.Items.Add(page => new MenuItem("Pools", page.Url.To("/pools"))
            {
                Active = page.RequestPath.StartsWith("/pools", StringComparison.Ordinal),
            });
            NavigationMenu.Items.Add(page => new MenuItem("Assets", page.Url.To("/assets"))
            {
                Active = page.RequestPath.StartsWith("/assets", StringComparison.Ordinal),
            });
        }
    }

    /// <summary>Connects the dashboard pages of <paramref name="storage"/> to a runtime; called when the runtime starts.</summary>
    public static void Attach(JobStorage storage, PipelineOperations operations, PipelinesOptions options)
    {
        Register();
        s_byStorage.AddOrUpdate(storage, new DashboardServices(operations, options.Clock));
    }

    internal static DashboardServices? For(JobStorage storage) => s_byStorage.TryGetValue(storage, out var services) ? services : null;

    /// <summary>
    /// The history entry on Hangfire's job page (at <c>jobs/details/{id}</c>): a link relative to that page, so it works
    /// under any path the dashboard is mapped at.
    /// </summary>
    private static string TaskLink(IDictionary<string, string> data)
    {
        var pipeline = data.TryGetValue("Pipeline", out var p) ? p : "";
        var run = data.TryGetValue("Run", out var r) ? r : "";
        var task = data.TryGetValue("Task", out var t) ? t : "";
        var tryNumber = data.TryGetValue("Try", out var n) ? n : "?";
        var href = $"../../pipelines/{Encode(pipeline)}/runs/{Encode(run)}/tasks/{Encode(task)}";
        return $"<dl class=\"dl-horizontal\"><dt>Task instance:</dt><dd><a class=\"pipelines-task-link\" href=\"{HtmlText.Encode(href)}\">{HtmlText.Encode(pipeline)}.{HtmlText.Encode(task)}</a>, try {HtmlText.Encode(tryNumber)}</dd><dt>Run:</dt><dd><a href=\"{HtmlText.Encode($"../../pipelines/{Encode(pipeline)}/runs/{Encode(run)}")}\">{HtmlText.Encode(run)}</a></dd></dl>";
    }

    internal static string Encode(string value) => Uri.EscapeDataString(value);

    private static string Decode(string value) => Uri.UnescapeDataString(value);
}

/// <summary>What the pages need from the runtime on their storage.</summary>
internal sealed record DashboardServices(PipelineOperations Operations, IClock Clock);

internal static class HtmlText
{
    public static string Encode(string? text) => System.Net.WebUtility.HtmlEncode(text ?? "");
}
