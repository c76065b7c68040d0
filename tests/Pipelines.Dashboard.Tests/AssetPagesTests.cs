using System.Globalization;
using Microsoft.Playwright;
using NodaTime;
using Pipelines.Hangfire;

namespace Pipelines.Dashboard.Tests;

/// <summary>The assets page, an asset's page and the asset readiness on the pipeline page, in headless Chromium against a live host.</summary>
public sealed class AssetPagesTests : IClassFixture<Browser>, IAsyncLifetime
{
    private static readonly LocalDate Session = new(2024, 11, 27);
    private readonly Browser _browser;
    private DashboardHost _host = null!;
    private IPage _page = null!;

    public AssetPagesTests(Browser browser) => _browser = browser;

    public async Task InitializeAsync()
    {
        _host = await DashboardHost.StartAsync(pipelines: new[] { DashPrices.Definition, DashRisk.Definition });
        _page = await _browser.Instance.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
    }

    public async Task DisposeAsync()
    {
        await _page.CloseAsync();
        await _host.DisposeAsync();
    }

    /// <summary>Runs dash_prices for the session and waits for it to succeed, which records its dash.prices event.</summary>
    private async Task<string> LoadPrices()
    {
        var runId = _host.Operations.Trigger("dash_prices", Session);
        for (var i = 0; i < 600 && _host.Operations.GetRun("dash_prices", runId)?.State.IsFinished() != true; i++) await Task.Delay(50);
        Assert.Equal(RunState.Success, _host.Operations.GetRun("dash_prices", runId)!.State);
        return runId;
    }

    [Fact]
    public async Task The_assets_page_lists_producers_and_consumers_and_draws_the_lineage_across_pipelines()
    {
        await LoadPrices();
        var response = await _page.GotoAsync(_host.Url + "/assets");
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.ScreenshotFolder, "assets.png"), FullPage = true });

        Assert.Equal(200, response!.Status);
        Assert.Equal("Assets", (await _page.Locator("h1.page-header").InnerTextAsync()).Trim());
        var prices = await _page.Locator("tr[data-asset='dash.prices'] td").AllInnerTextsAsync();
        Assert.Equal(["dash.prices", "dash_prices.LoadPrices", "dash_risk"], prices.Take(3).Select(c => c.Trim()));
        Assert.StartsWith("2024-11-27 at ", prices[3].Trim(), StringComparison.Ordinal);
        var vendor = await _page.Locator("tr[data-asset='dash.vendor'] td").AllInnerTextsAsync();
        Assert.Equal(["dash.vendor", "external: posted with asset-event", "dash_risk", "none yet"], vendor.Select(c => c.Trim()));

        var lineage = _page.Locator("svg.pipelines-lineage");
        Assert.Equal(["asset:dash.prices", "asset:dash.vendor", "pipeline:dash_prices", "pipeline:dash_risk"],
            (await lineage.Locator("g.pipelines-lineage-node").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.node)")).Order(StringComparer.Ordinal));
        Assert.Equal(
            ["asset:dash.prices -> pipeline:dash_risk (consumes)", "asset:dash.vendor -> pipeline:dash_risk (consumes)", "pipeline:dash_prices -> asset:dash.prices (produces)"],
            (await lineage.Locator("path.pipelines-lineage-edge").EvaluateAllAsync<string[]>("els => els.map(e => `${e.dataset.from} -> ${e.dataset.to} (${e.dataset.kind})`)")).Order(StringComparer.Ordinal));
        // A node links to its page: the consumer's pipeline page.
        await lineage.Locator("g[data-node='pipeline:dash_risk']").ClickAsync();
        Assert.EndsWith("/pipelines/dash_risk", _page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_assets_page_shows_its_newest_event_by_partition_with_its_source_and_extra_data()
    {
        var runId = await LoadPrices();
        _host.Operations.PostAssetEvent("dash.vendor", Session.PlusDays(-1), new Dictionary<string, string> { ["file"] = "fundamentals_20241126.csv" });

        var response = await _page.GotoAsync(_host.Url + "/assets/dash.prices");
        Assert.Equal(200, response!.Status);
        Assert.Equal("dash_prices.LoadPrices", (await _page.Locator("dd.pipelines-producers").InnerTextAsync()).Trim());
        Assert.Equal("dash_risk", (await _page.Locator("dd.pipelines-consumers").InnerTextAsync()).Trim());
        var row = _page.Locator("table.pipelines-asset-events tr[data-partition='2024-11-27']");
        Assert.Equal("task", await row.GetAttributeAsync("data-source"));
        var cells = await row.Locator("td").AllInnerTextsAsync();
        Assert.Equal($"dash_prices.LoadPrices in run {runId}", cells[2].Trim());
        Assert.Equal("rows=1200", cells[3].Trim());

        await _page.GotoAsync(_host.Url + "/assets/dash.vendor");
        Assert.Equal("dash.vendor external", (await _page.Locator("h1.page-header").InnerTextAsync()).Trim());
        var external = await _page.Locator("table.pipelines-asset-events tr[data-partition='2024-11-26'] td").AllInnerTextsAsync();
        Assert.Equal(["external posted from outside", "file=fundamentals_20241126.csv"], external.Skip(2).Take(2).Select(c => c.Trim()));
    }

    [Fact]
    public async Task The_pipeline_page_of_an_asset_scheduled_pipeline_shows_what_it_waits_for_and_what_has_arrived()
    {
        await LoadPrices();
        var arrived = _host.Operations.AssetEvents("dash.prices", 1).Single().At.InZone(DateTimeZoneProviders.Tzdb["America/New_York"]);

        var response = await _page.GotoAsync(_host.Url + "/pipelines/dash_risk");
        await _page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.ScreenshotFolder, "pipeline-assets.png"), FullPage = true });
        Assert.Equal(200, response!.Status);
        var row = _page.Locator("table.pipelines-asset-readiness tr[data-partition='2024-11-27']");
        Assert.Equal("false", await row.GetAttributeAsync("data-met"));
        Assert.Equal("true", await row.Locator("td[data-asset='dash.prices']").GetAttributeAsync("data-arrived"));
        Assert.Equal("false", await row.Locator("td[data-asset='dash.vendor']").GetAttributeAsync("data-arrived"));
        // The arrival is on another day than the session (the test runs later), so the sentence carries its date.
        Assert.Equal($"Waiting for dash.vendor for 2024-11-27; dash.prices arrived {arrived.ToString("uuuu-MM-dd HH:mm", CultureInfo.InvariantCulture)}.",
            (await row.Locator("td.pipelines-asset-why").InnerTextAsync()).Trim());
        Assert.Equal(_host.Operations.ExplainAssets("dash_risk", Session).Sentence, (await row.Locator("td.pipelines-asset-why").InnerTextAsync()).Trim());

        // The producer's page names what it produces, linked to the asset.
        await _page.GotoAsync(_host.Url + "/pipelines/dash_prices");
        Assert.Equal("Produces dash.prices (LoadPrices)", (await _page.Locator("p.pipelines-produces").InnerTextAsync()).Trim());
    }

    [Fact]
    public async Task An_unknown_asset_is_a_404_page_that_lists_the_known_ones()
    {
        var response = await _page.GotoAsync(_host.Url + "/assets/dash.nope");
        Assert.Equal(404, response!.Status);
        Assert.Equal("No pipeline produces or consumes an asset 'dash.nope', and no event of it was posted. Known assets: dash.prices, dash.vendor.",
            (await _page.Locator(".alert-warning").InnerTextAsync()).Trim());
    }
}
