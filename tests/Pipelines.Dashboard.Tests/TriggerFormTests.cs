using Microsoft.Playwright;
using NodaTime;

namespace Pipelines.Dashboard.Tests;

/// <summary>The trigger form generated from a pipeline's typed parameters, in real headless Chromium.</summary>
public sealed class TriggerFormTests : IClassFixture<Browser>, IAsyncLifetime
{
    private readonly Browser _browser;
    private DashboardHost _host = null!;
    private IPage _page = null!;

    public TriggerFormTests(Browser browser) => _browser = browser;

    public async Task InitializeAsync()
    {
        _host = await DashboardHost.StartAsync(pipelines: new[] { Etl.Definition, BackfillPrices.Definition });
        _page = await _browser.Instance.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1000 } });
    }

    public async Task DisposeAsync()
    {
        await _page.CloseAsync();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task The_trigger_button_opens_a_form_from_the_parameters_and_the_run_stores_what_was_entered()
    {
        await _page.GotoAsync(_host.Url + "/pipelines");
        await _page.Locator("tr[data-pipeline='backfill_prices'] a.pipelines-trigger-form-link").ClickAsync();
        var form = _page.Locator("form.pipelines-trigger-form");
        await form.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });

        // Types, defaults, ranges and descriptions come from the record.
        var maxRows = form.Locator("input[name='param:MaxRows']");
        Assert.Equal(("number", "500", "1", "10000"), (await maxRows.GetAttributeAsync("type"), await maxRows.InputValueAsync(), await maxRows.GetAttributeAsync("min"), await maxRows.GetAttributeAsync("max")));
        Assert.Equal(new[] { "Rates", "Equities" }, await form.Locator("select[name='param:Desk'] option").AllInnerTextsAsync());
        Assert.Equal("false", await form.Locator("select[name='param:DryRun']").InputValueAsync());
        Assert.Equal("date", await form.Locator("input[name='param:From']").GetAttributeAsync("type"));
        Assert.Contains("The first session to load.", await form.Locator("[data-parameter='From']").InnerTextAsync(), StringComparison.Ordinal);
        Assert.NotNull(await form.Locator("input[name='param:Symbols']").GetAttributeAsync("required"));
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.ScreenshotFolder, "trigger-form.png"), FullPage = true });

        await form.Locator("input[name='logicalDate']").FillAsync("2024-03-08");
        await form.Locator("input[name='param:Symbols']").FillAsync("AAPL, MSFT");
        await maxRows.FillAsync("20");
        await form.Locator("select[name='param:Desk']").SelectOptionAsync("Equities");
        await form.Locator("button.pipelines-trigger-submit").ClickAsync();

        // The form goes to the new run's page, which shows the stored parameters, defaults included.
        // The page's HTML is enough (the locators below wait for their elements); its load event also waits for the
        // dashboard's scripts and styles, which took over 30 s once on a machine at load average 50.
        await _page.WaitForURLAsync(url => url.Contains("/runs/manual__2024-03-08", StringComparison.Ordinal), new PageWaitForURLOptions { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = 60_000 });
        var table = _page.Locator("table.pipelines-parameters");
        Assert.Equal("AAPL,MSFT", (await table.Locator("tr[data-parameter='Symbols'] td").InnerTextAsync()).Trim());
        Assert.Equal("20", (await table.Locator("tr[data-parameter='MaxRows'] td").InnerTextAsync()).Trim());
        Assert.Equal("Equities", (await table.Locator("tr[data-parameter='Desk'] td").InnerTextAsync()).Trim());
        Assert.Equal("false", (await table.Locator("tr[data-parameter='DryRun'] td").InnerTextAsync()).Trim());
        var run = Assert.Single(_host.Operations.ListRuns("backfill_prices"));
        Assert.Equal(new LocalDate(2024, 3, 8), run.LogicalDate);
    }

    [Fact]
    public async Task A_form_filled_before_the_dashboards_scripts_arrive_submits_once_they_have()
    {
        // Hangfire's layout loads its scripts (jQuery, which carries the antiforgery header) after the page's content:
        // held back here, the form is visible and filled before they run, as on a slow link or a loaded machine.
        await _page.RouteAsync("**/js*", async route =>
        {
            await Task.Delay(5000);
            await route.ContinueAsync();
        });
        await _page.GotoAsync(_host.Url + "/pipelines/backfill_prices#trigger", new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        var form = _page.Locator("form.pipelines-trigger-form");
        await form.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        var submit = form.Locator("button.pipelines-trigger-submit");
        Assert.True(await submit.IsDisabledAsync());
        await form.Locator("input[name='logicalDate']").FillAsync("2024-03-08");
        await form.Locator("input[name='param:Symbols']").FillAsync("AAPL");

        // The click waits for the button, which the scripts enable; a submit without them used to do nothing.
        await submit.ClickAsync();
        await _page.WaitForURLAsync(url => url.Contains("/runs/manual__2024-03-08", StringComparison.Ordinal), new PageWaitForURLOptions { WaitUntil = WaitUntilState.Commit, Timeout = 60_000 });
        Assert.Single(_host.Operations.ListRuns("backfill_prices"));
    }

    [Fact]
    public async Task What_the_browser_cannot_check_the_server_refuses_and_the_form_lists_why()
    {
        await _page.GotoAsync(_host.Url + "/pipelines/backfill_prices#trigger");
        var form = _page.Locator("form.pipelines-trigger-form");
        await form.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible });
        await form.Locator("input[name='param:Symbols']").FillAsync("AAPL,,MSFT");
        await form.Locator("button.pipelines-trigger-submit").ClickAsync();

        var error = form.Locator(".pipelines-trigger-errors li");
        await error.WaitForAsync();
        Assert.Equal("Symbols=AAPL,,MSFT: Symbols has an empty element at position 2; separate values with single commas.", await error.InnerTextAsync());
        Assert.Empty(_host.Operations.ListRuns("backfill_prices"));
    }

    [Fact]
    public async Task The_form_route_is_refused_without_the_antiforgery_token()
    {
        using var http = new HttpClient();
        var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["param:Symbols"] = "AAPL" });
        var forged = await http.PostAsync(_host.Url + "/pipelines/backfill_prices/trigger-with-parameters", form);
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, forged.StatusCode);
        Assert.Empty(_host.Operations.ListRuns("backfill_prices"));
    }
}

/// <summary>A read-only dashboard has no trigger form (a host of its own: Hangfire allows one live host at a time).</summary>
public sealed class ReadOnlyTriggerFormTests : IClassFixture<Browser>
{
    private readonly Browser _browser;

    public ReadOnlyTriggerFormTests(Browser browser) => _browser = browser;

    [Fact]
    public async Task A_read_only_dashboard_shows_no_trigger_form()
    {
        await using var readOnly = await DashboardHost.StartAsync(readOnly: true, pipelines: new[] { BackfillPrices.Definition });
        var page = await _browser.Instance.NewPageAsync();
        await page.GotoAsync(readOnly.Url + "/pipelines/backfill_prices#trigger");
        Assert.Equal(0, await page.Locator("form.pipelines-trigger-form, .pipelines-trigger-open").CountAsync());
        await page.CloseAsync();
        Assert.Empty(readOnly.Operations.ListRuns("backfill_prices"));
    }
}
