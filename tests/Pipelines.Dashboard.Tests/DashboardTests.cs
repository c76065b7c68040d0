using System.Net;
using Microsoft.Playwright;
using NodaTime;
using Pipelines.Hangfire;

namespace Pipelines.Dashboard.Tests;

/// <summary>The pipeline pages in real headless Chromium against a live host with real runs.</summary>
public sealed class DashboardTests : IClassFixture<Browser>, IAsyncLifetime
{
    private readonly Browser _browser;
    private DashboardHost _host = null!;
    private IPage _page = null!;

    public DashboardTests(Browser browser) => _browser = browser;

    public async Task InitializeAsync()
    {
        _host = await DashboardHost.StartAsync();
        _page = await _browser.Instance.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
    }

    public async Task DisposeAsync()
    {
        await _page.CloseAsync();
        await _host.DisposeAsync();
    }

    private async Task<(PipelineRun Ok, PipelineRun Failed)> TwoRuns()
    {
        var ok = await _host.WaitAsync(_host.Operations.Trigger("etl", new LocalDate(2024, 3, 7)));
        _host.Switches.Flags["break"] = 1;
        var failed = await _host.WaitAsync(_host.Operations.Trigger("etl", new LocalDate(2024, 3, 8)));
        Assert.Equal(RunState.Success, ok.State);
        Assert.Equal(RunState.Failed, failed.State);
        return (ok, failed);
    }

    private async Task Shot(string name) => await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.ScreenshotFolder, name + ".png"), FullPage = true });

    [Fact]
    public async Task The_pipelines_page_lists_each_pipeline_with_its_last_runs_and_a_working_trigger_button()
    {
        var (ok, failed) = await TwoRuns();
        await _page.GotoAsync(_host.Url + "/pipelines");
        await Shot("pipelines");
        Assert.Equal("Pipelines", (await _page.Locator("ul.navbar-nav li.active, .navbar .active").First.InnerTextAsync()).Trim().Split('\n')[0].Trim());
        var row = _page.Locator("tr[data-pipeline='etl']");
        Assert.Contains("0 4 * * 1-5", await row.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Contains("America/New_York", await row.InnerTextAsync(), StringComparison.Ordinal);
        var dots = row.Locator(".pipelines-run-dot");
        Assert.Equal(new[] { "success", "failed" }, await dots.EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.state)"));

        _host.Switches.Flags["break"] = 0;
        await row.Locator("button.pipelines-trigger").ClickAsync();
        for (var i = 0; i < 100 && _host.Operations.ListRuns("etl").Count < 3; i++) await Task.Delay(50);
        Assert.Equal(3, _host.Operations.ListRuns("etl").Count);
        Assert.NotEqual(ok.RunId, failed.RunId);
    }

    [Fact]
    public async Task The_pipeline_page_colours_the_graph_by_state_and_shows_the_grid_and_charts()
    {
        var (_, failed) = await TwoRuns();
        await _page.GotoAsync($"{_host.Url}/pipelines/etl");
        await Shot("pipeline");
        var nodes = _page.Locator("svg.pipelines-graph g.pipelines-node");
        Assert.Equal(5, await nodes.CountAsync());
        var states = await nodes.EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.task + '=' + e.dataset.state + '=' + e.querySelector('rect').getAttribute('fill'))");
        Assert.Equal(new[] { "Extract=success=#28a745", "Transform=failed=#dc3545", "Load=upstream_failed=#fd7e14", "Notify=success=#28a745", "Publish=upstream_failed=#fd7e14" }, states);
        Assert.Equal(4, await _page.Locator("svg.pipelines-graph path.pipelines-edge").CountAsync());

        Assert.Equal(10, await _page.Locator("table.pipelines-grid td.pipelines-cell").CountAsync());
        // Each cell is only its state: the run is its column's header, the task its row.
        var grid = await _page.Locator("table.pipelines-grid").EvaluateAsync<string[]>(@"t => {
            const runs = [...t.querySelectorAll('th.pipelines-grid-run')].map(h => h.dataset.run);
            return [...t.querySelectorAll('tbody tr')].flatMap(r => [...r.querySelectorAll('td.pipelines-cell')].map((c, i) =>
                r.dataset.task + '@' + runs[i] + '=' + c.dataset.state + '=' + getComputedStyle(c).backgroundColor));
        }");
        Assert.Contains($"Transform@{failed.RunId}=failed=rgb(220, 53, 69)", grid);
        Assert.Contains($"Load@{failed.RunId}=upstream_failed=rgb(253, 126, 20)", grid);
        Assert.Equal(5, grid.Count(c => c.Contains("=success=rgb(40, 167, 69)", StringComparison.Ordinal) && !c.Contains(failed.RunId, StringComparison.Ordinal)));
        var legend = await _page.Locator(".pipelines-legend").First.InnerTextAsync();
        foreach (var name in new[] { "success", "failed", "upstream_failed", "skipped", "running", "queued", "up_for_retry", "up_for_reschedule" })
            Assert.Contains(name, legend, StringComparison.Ordinal);
        Assert.Equal(5, await _page.Locator("svg.pipelines-durations polyline.pipelines-series").CountAsync());
        Assert.Equal(1, await _page.Locator("svg.pipelines-landing").CountAsync());

        // Clicking a task in the graph opens its instance.
        await _page.Locator("svg.pipelines-graph g.pipelines-node[data-task='Transform']").ClickAsync();
        await _page.WaitForURLAsync("**/tasks/Transform");
        Assert.Contains("etl.Transform", await _page.Locator("h1").InnerTextAsync(), StringComparison.Ordinal);

        // So does clicking a grid cell, and hovering it names the task, run and state.
        await _page.GoBackAsync();
        var cell = _page.Locator("table.pipelines-grid tr[data-task='Load'] td.pipelines-cell").Nth(1);
        await cell.HoverAsync();
        Assert.Equal($"Load in {failed.RunId}: upstream_failed", await cell.GetAttributeAsync("title"));
        await cell.ClickAsync();
        await _page.WaitForURLAsync($"**/runs/{Uri.EscapeDataString(failed.RunId)}/tasks/Load");
        Assert.Equal("upstream_failed", await _page.Locator(".pipelines-instance .pipelines-state").GetAttributeAsync("data-state"));
    }

    [Fact]
    public async Task The_run_page_has_a_gantt_chart_and_the_reasons()
    {
        var (_, failed) = await TwoRuns();
        await _page.GotoAsync($"{_host.Url}/pipelines/etl/runs/{Uri.EscapeDataString(failed.RunId)}");
        await Shot("run");
        Assert.Equal(3, await _page.Locator("svg.pipelines-gantt rect.pipelines-bar").CountAsync()); // Load never started
        var reasons = await _page.Locator("table.pipelines-tasks").InnerTextAsync();
        Assert.Contains("Failed on try 1: InvalidOperationException: the mapping file is missing.", reasons, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_task_waiting_on_a_failed_upstream_explains_why_and_clear_runs_it_again()
    {
        var (_, failed) = await TwoRuns();
        await _page.GotoAsync($"{_host.Url}/pipelines/etl/runs/{Uri.EscapeDataString(failed.RunId)}/tasks/Load");
        await Shot("task-upstream-failed");
        Assert.Equal("upstream_failed", await _page.Locator(".pipelines-instance .pipelines-state").GetAttributeAsync("data-state"));
        // The run has ended too (a reason of its own); the trigger rule says what held the task back.
        Assert.Equal(2, await _page.Locator(".pipelines-dependency[data-met='false']").CountAsync());
        var rule = _page.Locator(".pipelines-dependency[data-met='false']", new() { HasText = "Trigger rule" });
        Assert.Equal(1, await rule.CountAsync());
        Assert.Equal(
            "Trigger rule (all_success): not met. Upstream failed: trigger rule all_success can no longer be met; of 1 upstream task, 1 failed. Upstream: Transform failed.",
            (await rule.InnerTextAsync()).Trim());

        // Fix the cause, then clear the failed task with its downstream from its own page.
        _host.Switches.Flags["break"] = 0;
        await _page.GotoAsync($"{_host.Url}/pipelines/etl/runs/{Uri.EscapeDataString(failed.RunId)}/tasks/Transform");
        Assert.Contains("Failed on try 1", await _page.Locator(".pipelines-reason").InnerTextAsync(), StringComparison.Ordinal);
        // The button posts in the background, then Hangfire's script reloads the page: wait for that reload, so the
        // test's own navigation below never races it.
        var reloaded = new TaskCompletionSource();
        void OnLoad(object? sender, IPage page) => reloaded.TrySetResult();
        _page.Load += OnLoad;
        await _page.Locator("button.pipelines-clear").ClickAsync();
        await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(30));
        _page.Load -= OnLoad;
        // Then wait for the second try to be recorded, and for the run to end.
        for (var i = 0; i < 200 && _host.Operations.GetRun("etl", failed.RunId)!["Transform"].TryNumber < 2; i++) await Task.Delay(50);
        var rerun = await _host.WaitAsync(failed.RunId);
        Assert.Equal(RunState.Success, rerun.State);
        Assert.Equal(2, rerun["Transform"].TryNumber);
        await _page.GotoAsync($"{_host.Url}/pipelines/etl/runs/{Uri.EscapeDataString(failed.RunId)}/tasks/Transform");
        await Shot("task-cleared");
        Assert.Equal("success", await _page.Locator(".pipelines-instance .pipelines-state").GetAttributeAsync("data-state"));
        Assert.Equal(2, await _page.Locator(".pipelines-instance a.pipelines-job").CountAsync());
    }

    [Fact]
    public async Task The_task_page_shows_each_trys_log_and_Hangfires_job_page_links_back_to_the_task()
    {
        var (_, failed) = await TwoRuns();
        _host.Switches.Flags["break"] = 0;
        _host.Operations.Clear("etl", failed.RunId, new[] { "Transform" });
        var rerun = await _host.WaitAsync(failed.RunId);
        Assert.Equal(RunState.Success, rerun.State);

        var taskUrl = $"{_host.Url}/pipelines/etl/runs/{Uri.EscapeDataString(failed.RunId)}/tasks/Transform";
        await _page.GotoAsync(taskUrl);
        await Shot("task-log");
        var logs = _page.Locator("pre.pipelines-log");
        Assert.Equal(new[] { "1", "2" }, await logs.EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.try)"));
        var first = await logs.Nth(0).Locator(".pipelines-log-line").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.level + ' ' + e.textContent)");
        Assert.Equal(2, first.Length);
        Assert.Matches(@"^INFO \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ INFO  transforming 42 rows$", first[0]);
        Assert.StartsWith("ERROR ", first[1], StringComparison.Ordinal);
        Assert.Contains("Try 1 failed: InvalidOperationException", first[1], StringComparison.Ordinal);
        Assert.Contains("System.InvalidOperationException: the mapping file is missing", first[1], StringComparison.Ordinal);
        Assert.Contains("at Pipelines.Dashboard.Tests.Etl.Transform(Int32 rows, RunContext run)", first[1], StringComparison.Ordinal);
        Assert.Equal("text-danger", (await logs.Nth(0).Locator(".pipelines-log-line[data-level='ERROR']").GetAttributeAsync("class"))!.Split(' ')[1]);
        Assert.EndsWith("transforming 42 rows", (await logs.Nth(1).InnerTextAsync()).Trim(), StringComparison.Ordinal);

        // Extract logged nothing: its page says so.
        await _page.GotoAsync($"{_host.Url}/pipelines/etl/runs/{Uri.EscapeDataString(failed.RunId)}/tasks/Extract");
        Assert.Equal("Nothing logged yet.", (await _page.Locator(".pipelines-log-empty").InnerTextAsync()).Trim());

        // The failed try's Hangfire job page names the task instance and links to it.
        await _page.GotoAsync($"{_host.Url}/jobs/details/{rerun["Transform"].JobIds[0]}");
        await Shot("hangfire-job");
        // Hangfire names the job after its try (TryJob.DisplayName): the pipeline's task and the run.
        Assert.Equal($"etl.Transform [{rerun.RunId}]", (await _page.Locator("h1.page-header").InnerTextAsync()).Trim());
        var link = _page.Locator("a.pipelines-task-link");
        Assert.Equal("etl.Transform", (await link.InnerTextAsync()).Trim());
        Assert.Contains("try 1", await link.Locator("xpath=..").InnerTextAsync(), StringComparison.Ordinal);
        await link.ClickAsync();
        await _page.WaitForURLAsync(taskUrl);
        Assert.Contains("etl.Transform", await _page.Locator("h1").InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pause_button_holds_a_triggered_run_until_unpause_and_both_pages_show_the_state()
    {
        await _page.GotoAsync(_host.Url + "/pipelines");
        var row = _page.Locator("tr[data-pipeline='etl']");
        Assert.Equal("active", (await row.Locator(".pipelines-paused").InnerTextAsync()).Trim());

        // The command reloads the page, which then shows the state and offers the opposite button.
        await row.Locator("button.pipelines-pause").ClickAsync();
        await _page.Locator("tr[data-pipeline='etl'][data-paused='true']").WaitForAsync(new() { Timeout = 10_000 });
        Assert.True(_host.Operations.IsPaused("etl"));
        Assert.Equal("paused", (await row.Locator(".pipelines-paused").InnerTextAsync()).Trim());
        Assert.Equal(0, await row.Locator("button.pipelines-pause").CountAsync());
        Assert.Equal(1, await row.Locator("button.pipelines-unpause").CountAsync());
        await Shot("pipelines-paused");

        // The pipeline's own page says so too, and a run triggered from it waits: its first task is not even queued.
        await _page.GotoAsync(_host.Url + "/pipelines/etl");
        Assert.Equal("paused", (await _page.Locator("h1 .pipelines-paused[data-paused='true']").InnerTextAsync()).Trim());
        await _page.Locator("button.pipelines-trigger").ClickAsync();
        for (var i = 0; i < 100 && _host.Operations.ListRuns("etl").Count < 1; i++) await Task.Delay(50);
        var runId = Assert.Single(_host.Operations.ListRuns("etl")).RunId;
        // Nothing would start it while paused; a second is ample time for a server that wrongly would.
        await Task.Delay(1000);
        var held = _host.Operations.GetRun("etl", runId)!;
        Assert.Equal(RunState.Running, held.State);
        Assert.Equal(TaskState.None, held["Extract"].State);
        await _page.ReloadAsync();
        await Shot("pipeline-paused");

        await _page.Locator("button.pipelines-unpause").ClickAsync();
        await _page.Locator("h1 .pipelines-paused[data-paused='false']").WaitForAsync(new() { Timeout = 10_000 });
        Assert.False(_host.Operations.IsPaused("etl"));
        Assert.Equal(1, await _page.Locator("button.pipelines-pause").CountAsync());
        Assert.Equal(RunState.Success, (await _host.WaitAsync(runId)).State);
    }

    [Fact]
    public async Task An_action_without_the_antiforgery_token_is_refused()
    {
        var (_, failed) = await TwoRuns();
        using var http = new HttpClient();
        var response = await http.PostAsync($"{_host.Url}/pipelines/etl/runs/{Uri.EscapeDataString(failed.RunId)}/tasks/Transform/clear?downstream=1", new StringContent(""));
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"expected a 4xx, got {(int)response.StatusCode}");
        Assert.Equal(TaskState.Failed, _host.Operations.GetRun("etl", failed.RunId)!["Transform"].State);
    }

    [Fact]
    public async Task The_pools_page_shows_each_pools_slots_running_queued_and_open()
    {
        await _page.GotoAsync(_host.Url + "/pools");
        await Shot("pools");
        Assert.Equal("Pools", (await _page.Locator("h1.page-header").InnerTextAsync()).Trim());
        var cells = await _page.Locator("tr[data-pool='vendor_api'] td").AllInnerTextsAsync();
        Assert.Equal(new[] { "vendor_api", "4", "0", "0", "4", "" }, cells.Select(c => c.Trim()));
    }

    [Fact]
    public async Task Unknown_pipelines_runs_and_tasks_are_404_pages_that_say_what_exists()
    {
        var response = await _page.GotoAsync($"{_host.Url}/pipelines/nope");
        Assert.Equal(404, response!.Status);
        Assert.Contains("No pipeline has the id 'nope'. Known pipelines: etl.", await _page.Locator(".alert-warning").InnerTextAsync(), StringComparison.Ordinal);
        response = await _page.GotoAsync($"{_host.Url}/pipelines/etl/runs/manual__nope");
        Assert.Equal(404, response!.Status);
    }
}

/// <summary>In a read-only dashboard the pages show no actions and the actions are refused.</summary>
public sealed class ReadOnlyDashboardTests : IClassFixture<Browser>
{
    private readonly Browser _browser;

    public ReadOnlyDashboardTests(Browser browser) => _browser = browser;

    /// <summary>POSTs from the page with its own antiforgery token, as the page's buttons would; returns the status.</summary>
    private static async Task<int> PostWithThePagesTokenAsync(IPage page, string url)
    {
        var token = await page.EvaluateAsync<string?>("() => document.querySelector('meta[name=csrf-token]')?.content ?? null");
        var header = await page.EvaluateAsync<string?>("() => document.querySelector('meta[name=csrf-header]')?.content ?? null");
        return await page.EvaluateAsync<int>(@"async ([url, header, token]) => {
            const headers = {}; if (header && token) headers[header] = token;
            const r = await fetch(url, { method: 'POST', headers, credentials: 'same-origin' }); return r.status; }",
            new object?[] { url, header, token });
    }

    [Fact]
    public async Task A_read_only_dashboard_hides_and_refuses_actions()
    {
        await using var host = await DashboardHost.StartAsync(readOnly: true);
        var run = await host.WaitAsync(host.Operations.Trigger("etl", new LocalDate(2024, 3, 8)));
        var page = await _browser.Instance.NewPageAsync();
        await page.GotoAsync($"{host.Url}/pipelines/etl/runs/{Uri.EscapeDataString(run.RunId)}/tasks/Transform");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.ScreenshotFolder, "task-read-only.png"), FullPage = true });
        Assert.Equal(0, await page.Locator(".pipelines-actions button").CountAsync());
        await page.GotoAsync($"{host.Url}/pipelines");
        Assert.Equal(0, await page.Locator("button.pipelines-trigger").CountAsync());

        // Even with the page's own antiforgery token, the command is refused.
        Assert.Equal(401, await PostWithThePagesTokenAsync(page, $"{host.Url}/pipelines/etl/runs/{Uri.EscapeDataString(run.RunId)}/tasks/Transform/mark/failed"));
        Assert.Equal(TaskState.Success, host.Operations.GetRun("etl", run.RunId)!["Transform"].State);
        await page.CloseAsync();
    }

    [Fact]
    public async Task A_read_only_dashboard_shows_the_pause_state_but_neither_offers_nor_accepts_unpause()
    {
        await using var host = await DashboardHost.StartAsync(readOnly: true);
        Assert.True(host.Operations.Pause("etl"));
        var page = await _browser.Instance.NewPageAsync();
        await page.GotoAsync($"{host.Url}/pipelines");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.ScreenshotFolder, "pipelines-read-only-paused.png"), FullPage = true });
        Assert.Equal("paused", (await page.Locator("tr[data-pipeline='etl'] .pipelines-paused").InnerTextAsync()).Trim());
        Assert.Equal(0, await page.Locator("button.pipelines-pause, button.pipelines-unpause").CountAsync());

        // Even with the page's own antiforgery token, the command is refused.
        Assert.Equal(401, await PostWithThePagesTokenAsync(page, $"{host.Url}/pipelines/etl/unpause"));
        Assert.True(host.Operations.IsPaused("etl"));
        await page.CloseAsync();
    }
}

/// <summary>The dashboard's own authorization filters guard the pipeline pages and actions like Hangfire's own.</summary>
public sealed class AuthorizedDashboardTests
{
    /// <summary>Lets in only requests that carry the operator header.</summary>
    private sealed class OperatorsOnly : global::Hangfire.Dashboard.IDashboardAuthorizationFilter
    {
        public bool Authorize(global::Hangfire.Dashboard.DashboardContext context) =>
            global::Hangfire.Dashboard.AspNetCoreDashboardContextExtensions.GetHttpContext(context).Request.Headers["X-Operator"] == "yes";
    }

    [Fact]
    public async Task A_user_the_authorization_filters_reject_can_neither_see_pages_nor_act()
    {
        await using var host = await DashboardHost.StartAsync(authorization: new OperatorsOnly());
        var run = await host.WaitAsync(host.Operations.Trigger("etl", new LocalDate(2024, 3, 8)));
        using var http = new HttpClient();
        var pages = new[] { "/pipelines", "/pipelines/etl", $"/pipelines/etl/runs/{Uri.EscapeDataString(run.RunId)}", $"/pipelines/etl/runs/{Uri.EscapeDataString(run.RunId)}/tasks/Load" };
        foreach (var page in pages)
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync(host.Url + page)).StatusCode);
        var trigger = await http.PostAsync(host.Url + "/pipelines/etl/trigger", new StringContent(""));
        Assert.Equal(HttpStatusCode.Unauthorized, trigger.StatusCode);
        var pause = await http.PostAsync(host.Url + "/pipelines/etl/pause", new StringContent(""));
        Assert.Equal(HttpStatusCode.Unauthorized, pause.StatusCode);
        Assert.False(host.Operations.IsPaused("etl"));
        var mark = await http.PostAsync($"{host.Url}/pipelines/etl/runs/{Uri.EscapeDataString(run.RunId)}/tasks/Load/mark/failed", new StringContent(""));
        Assert.Equal(HttpStatusCode.Unauthorized, mark.StatusCode);
        Assert.Single(host.Operations.ListRuns("etl"));
        Assert.Equal(TaskState.Success, host.Operations.GetRun("etl", run.RunId)!["Load"].State);

        // The same pages answer an operator.
        foreach (var page in pages)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, host.Url + page);
            request.Headers.Add("X-Operator", "yes");
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
        }
    }
}

