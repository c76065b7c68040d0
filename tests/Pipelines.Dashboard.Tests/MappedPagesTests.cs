using System.Text.RegularExpressions;
using Pipelines.Hangfire;

namespace Pipelines.Dashboard.Tests;

public sealed record DeskFile([property: MapLabel] string Desk, int Rows);

/// <summary>Three desks' files, one of which fails to load, so a run has mapped instances in two states.</summary>
[Pipeline("desk_loads")]
public sealed partial class DeskLoads
{
    [PipelineTask] public DeskFile[] ListFiles() => new[] { new DeskFile("rates", 10), new DeskFile("credit", 20), new DeskFile("fx", 30) };

    [PipelineTask]
    public int Load([MapOver(nameof(ListFiles))] DeskFile file) => file.Desk == "credit" ? throw new InvalidOperationException("credit file is truncated") : file.Rows;

    [PipelineTask(Trigger = TriggerRule.AllDone)]
    public int Total([FromTask(nameof(Load))] IReadOnlyList<int> rows) => rows.Sum();
}

/// <summary>The run, task and pipeline pages show a mapped task's instances (read as served HTML, no browser).</summary>
public sealed class MappedPagesTests
{
    [Fact]
    public async Task Pages_list_mapped_instances_with_map_index_and_label_and_the_graph_and_grid_show_the_count()
    {
        await using var host = await DashboardHost.StartAsync(pipelines: new[] { DeskLoads.Definition });
        var runId = host.Operations.Trigger("desk_loads", new NodaTime.LocalDate(2024, 3, 8));
        PipelineRun run;
        for (var i = 0; ; i++)
        {
            run = host.Operations.GetRun("desk_loads", runId)!;
            if (run.State.IsFinished()) break;
            if (i > 600) throw new TimeoutException($"run {runId} did not finish");
            await Task.Delay(50);
        }
        Assert.Equal(new[] { TaskState.Success, TaskState.Failed, TaskState.Success }, run.Instances["Load"].Select(t => t.State));
        using var http = new HttpClient { BaseAddress = new Uri(host.Url + "/") };
        var encodedRun = Uri.EscapeDataString(runId);

        var runPage = await http.GetStringAsync($"pipelines/desk_loads/runs/{encodedRun}");
        Assert.Contains("data-task=\"Load\" data-map-count=\"3\"", runPage, StringComparison.Ordinal);
        Assert.Contains("mapped, 3 instances: 2 success, 1 failed", runPage, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"data-task=""Load\[1\]"" data-map-index=""1"">.*?\[1\]</a> <span class=""pipelines-map-label"">credit</span>"), runPage);
        Assert.Matches(new Regex(@"data-task=""Load\[2\]"" data-map-index=""2"">.*?<span class=""pipelines-map-label"">fx</span>"), runPage);

        var instancePage = await http.GetStringAsync($"pipelines/desk_loads/runs/{encodedRun}/tasks/{Uri.EscapeDataString("Load[1]")}");
        Assert.Contains("<span class=\"pipelines-map-index\">1</span>", instancePage, StringComparison.Ordinal);
        Assert.Contains("<span class=\"pipelines-map-label\">credit</span>", instancePage, StringComparison.Ordinal);
        Assert.Contains("credit file is truncated", instancePage, StringComparison.Ordinal);

        var taskPage = await http.GetStringAsync($"pipelines/desk_loads/runs/{encodedRun}/tasks/Load");
        Assert.Contains("class=\"table table-condensed pipelines-map-instances\"", taskPage, StringComparison.Ordinal);
        Assert.Contains("<td class=\"pipelines-map-label\">rates</td>", taskPage, StringComparison.Ordinal);

        var pipelinePage = await http.GetStringAsync("pipelines/desk_loads");
        Assert.Contains("data-task=\"Load\" data-state=\"failed\" data-kind=\"task\" data-mapped=\"true\" data-map-count=\"3\"", pipelinePage, StringComparison.Ordinal);
        Assert.Contains(">Load [3]</text>", pipelinePage, StringComparison.Ordinal);
        Assert.Contains("data-state=\"failed\" data-map-count=\"3\"", pipelinePage, StringComparison.Ordinal);
    }
}

/// <summary>A mapped run as an operator sees it in headless Chromium: the instances on the run page, one instance's page, the count on the graph.</summary>
public sealed class MappedPagesInChromiumTests(Browser browser) : IClassFixture<Browser>
{
    [Fact]
    public async Task An_operator_follows_a_failed_instance_from_the_run_page_to_its_own_page()
    {
        await using var host = await DashboardHost.StartAsync(pipelines: new[] { DeskLoads.Definition });
        var runId = host.Operations.Trigger("desk_loads", new NodaTime.LocalDate(2024, 3, 8));
        for (var i = 0; i < 600 && host.Operations.GetRun("desk_loads", runId)?.State.IsFinished() != true; i++) await Task.Delay(50);
        Assert.True(host.Operations.GetRun("desk_loads", runId)!.State.IsFinished(), $"run {runId} did not finish");

        var page = await browser.Instance.NewPageAsync(new Microsoft.Playwright.BrowserNewPageOptions { ViewportSize = new Microsoft.Playwright.ViewportSize { Width = 1400, Height = 900 } });
        try
        {
            await page.GotoAsync($"{host.Url}/pipelines/desk_loads/runs/{Uri.EscapeDataString(runId)}");
            // The instances are listed in map-index order, each with its label, visible to the operator.
            var instances = page.Locator("[data-map-index]");
            Assert.Equal(3, await instances.CountAsync());
            Assert.Equal(new[] { "0", "1", "2" }, await instances.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.mapIndex)"));
            Assert.Equal(new[] { "rates", "credit", "fx" }, await page.Locator("[data-map-index] .pipelines-map-label").AllInnerTextsAsync());
            Assert.True(await page.GetByText("mapped, 3 instances: 2 success, 1 failed").IsVisibleAsync());
            await page.ScreenshotAsync(new Microsoft.Playwright.PageScreenshotOptions { Path = Path.Combine(Browser.ScreenshotFolder, "mapped-run.png"), FullPage = true });

            // Following the failed instance's link opens its own page, with its index, label and the failure's reason.
            await page.Locator("[data-task='Load[1]'] a").First.ClickAsync();
            await page.WaitForURLAsync(url => url.Contains("/tasks/Load%5B1%5D", StringComparison.Ordinal) || url.Contains("/tasks/Load[1]", StringComparison.Ordinal),
                new Microsoft.Playwright.PageWaitForURLOptions { WaitUntil = Microsoft.Playwright.WaitUntilState.DOMContentLoaded });
            Assert.Equal("1", (await page.Locator(".pipelines-map-index").First.InnerTextAsync()).Trim());
            Assert.Equal("credit", (await page.Locator(".pipelines-map-label").First.InnerTextAsync()).Trim());
            Assert.True(await page.GetByText("credit file is truncated").First.IsVisibleAsync());

            // The pipeline's graph draws the mapped task once, with its count.
            await page.GotoAsync($"{host.Url}/pipelines/desk_loads");
            Assert.True(await page.Locator("svg text", new() { HasTextString = "Load [3]" }).IsVisibleAsync());
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}
