using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using NodaTime.Testing;
using Pipelines.Hangfire;
using Pipelines.Testing;

namespace NightlyDataload.Tests;

/// <summary>
/// The nightly load, the prices load and the risk jobs they start, each run in-process by the test host: a fake vendor
/// folder, a fake clock, no Hangfire server.
/// </summary>
public sealed class NightlyDataloadTests : IDisposable
{
    private static readonly LocalDate Session = new(2024, 11, 27);

    private readonly DataFolders _folders = new(Path.Combine(Path.GetTempPath(), "nightly-tests-" + Guid.NewGuid().ToString("N")));
    private readonly FakeClock _clock = new(Instant.FromUtc(2024, 11, 28, 9, 0));

    public void Dispose()
    {
        if (Directory.Exists(_folders.Root)) Directory.Delete(_folders.Root, recursive: true);
    }

    private PipelineTestHost Host(int vendorFailures = 0)
    {
        var settings = new NightlySettings { VendorFailures = vendorFailures };
        return PipelineTestHost.For<NightlyDataloadPipeline>(services => services
                .AddSingleton(settings)
                .AddSingleton(_folders)
                .AddSingleton(new SimulatedVendor(_folders, settings, NullLogger<SimulatedVendor>.Instance) { Delay = TimeSpan.Zero }))
            .WithClock(_clock);
    }

    // The vendor drops one file per region; name order is the map order.
    private static readonly string[] DropNames = ["fundamentals_20241127_amer.csv", "fundamentals_20241127_apac.csv", "fundamentals_20241127_emea.csv"];

    [Fact]
    public async Task A_night_ingests_each_vendor_file_in_its_own_mapped_instance_and_builds_the_daily_fundamentals_from_all_of_them()
    {
        var result = await Host().RunAsync(Session);

        Assert.Equal(RunState.Success, result.State);
        Assert.All(result.Tasks, t => Assert.Equal(TaskState.Success, t.State));
        Assert.Equal(DropNames, result.Output<VendorFile[]>("ListVendorFiles").Select(f => f.Name));

        // One instance per file that arrived, indexed and labelled by the file, each with its own try and log.
        var ingests = result.Instances("IngestFundamentals");
        Assert.Equal(3, ingests.Count);
        Assert.Equal(new int?[] { 0, 1, 2 }, ingests.Select(i => i.MapIndex));
        Assert.Equal(DropNames, ingests.Select(i => i.Label));
        Assert.All(ingests, i => Assert.Equal((TaskState.Success, 1), (i.State, i.Tries)));
        // amer has five companies, apac two, emea three (SimulatedVendor.Regions).
        Assert.Equal([5, 2, 3], ingests.Select(i => i.Output<FundamentalsFile>().Rows));
        Assert.Equal(DropNames, ingests.Select(i => Path.GetFileName(i.Output<FundamentalsFile>().Path)));
        Assert.Contains(ingests[1].Log, l => l.Level == LogLevel.Information && l.Message.Contains("2 rows", StringComparison.Ordinal) && l.Message.Contains(DropNames[1], StringComparison.Ordinal));

        // The reduce saw every file, in map-index order, and summed every company of every file.
        var daily = result.Output<DailyFundamentals>("BuildDailyFundamentals");
        Assert.Equal(10, daily.Companies);
        var caps = DropNames.SelectMany(name => File.ReadAllLines(Path.Combine(_folders.VendorDrop, name)).Skip(1))
            .Sum(line => decimal.Parse(line.Split(',')[2], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(caps, daily.TotalMarketCap);
        using var warehouse = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(_folders.DailyFundamentalsFile(Session)));
        Assert.Equal(DropNames, warehouse.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal("2024-11-27", warehouse.RootElement.GetProperty("session").GetString());
        Assert.Equal(new[] { "fundamentals.daily" }, NightlyDataloadPipeline.Definition["BuildDailyFundamentals"].Produces);
    }

    [Fact]
    public async Task The_risk_jobs_run_on_both_assets_and_read_the_sessions_prices_and_fundamentals()
    {
        Assert.Equal("@assets(prices.daily & fundamentals.daily)", RiskModelsPipeline.Definition.Schedule);
        Assert.Equal(new[] { "prices.daily" }, PricesPipeline.Definition["LoadClosingPrices"].Produces);
        var night = await Host().RunAsync(Session);
        var prices = await PipelineTestHost.For<PricesPipeline>(services => services.AddSingleton(_folders)).WithClock(_clock).RunAsync(Session);
        Assert.Equal((RunState.Success, RunState.Success), (night.State, prices.State));
        Assert.Equal(5, prices.Output<ClosingPrices>("LoadClosingPrices").Rows);

        // What the asset trigger starts once both events of the session have arrived: a run with the session as its logical date.
        var risk = await PipelineTestHost.For<RiskModelsPipeline>(services => services.AddSingleton(_folders)).WithClock(_clock).RunAsync(Session);

        Assert.Equal(RunState.Success, risk.State);
        Assert.Equal("backtest", risk.Output<QueuedJob>("Backtest").Name);
        Assert.Equal(["backtest_20241127.json", "contest_20241127.json", "fund_risk_model_20241127.json", "public_risk_model_20241127.json", "risk_metrics_20241127.json"],
            Directory.GetFiles(_folders.JobQueue).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal("{\"fundamentals\":\"daily_fundamentals_20241127.json\",\"prices\":\"closing_prices_20241127.csv\"}",
            await File.ReadAllTextAsync(risk.Output<QueuedJob>("QueueRiskMetricsJob").File));
    }

    [Fact]
    public async Task A_vendor_that_refuses_each_file_twice_is_retried_per_instance_with_backoff_on_the_clock()
    {
        var result = await Host(vendorFailures: 2).RunAsync(Session);

        Assert.Equal(RunState.Success, result.State);
        var ingests = result.Instances("IngestFundamentals");
        Assert.Equal(3, ingests.Count);
        Assert.All(ingests, i => Assert.Equal((TaskState.Success, 3, "Succeeded on try 3."), (i.State, i.Tries, i.Reason)));
        // Exponential backoff from one second: each third try starts 1 s + 2 s after the files were listed, by the fake clock.
        Assert.All(ingests, i => Assert.Equal(Duration.FromSeconds(3), i.Start!.Value - result["ListVendorFiles"].End!.Value));
        Assert.Equal(10, result.Output<DailyFundamentals>("BuildDailyFundamentals").Companies);
    }

    [Fact]
    public async Task A_vendor_that_keeps_refusing_fails_every_instance_and_the_night_so_no_fundamentals_are_produced()
    {
        var result = await Host(vendorFailures: 10).RunAsync(Session);

        Assert.Equal(RunState.Failed, result.State);
        Assert.Equal(TaskState.Failed, result["IngestFundamentals"].State);
        var ingests = result.Instances("IngestFundamentals");
        Assert.Equal(DropNames, ingests.Select(i => i.Label));
        Assert.All(ingests, i => Assert.Equal((TaskState.Failed, 4), (i.State, i.Tries)));
        Assert.All(ingests, i => Assert.Contains($"refused the connection for {i.Label}", i.Reason));
        Assert.Equal(TaskState.UpstreamFailed, result["BuildDailyFundamentals"].State);
        Assert.Contains("BuildDailyFundamentals", result.Message);
        Assert.False(File.Exists(_folders.DailyFundamentalsFile(Session)));
    }

    [Fact]
    public async Task The_ingest_maps_over_a_given_list_of_vendor_files_in_the_order_given()
    {
        Directory.CreateDirectory(_folders.VendorDrop);
        var emea = _folders.VendorFile(Session, "emea");
        var amer = _folders.VendorFile(Session, "amer");
        await File.WriteAllTextAsync(emea, "ticker,sector,market_cap\nSHEL,Energy,20.25\n");
        await File.WriteAllTextAsync(amer, "ticker,sector,market_cap\nAAPL,Tech,100.50\nJPM,Financials,30.00\n");

        var ingest = await Host().RunTaskAsync("IngestFundamentals", Session,
            outputs: new Dictionary<string, object?> { ["ListVendorFiles"] = new[] { new VendorFile("emea.csv", emea), new VendorFile("amer.csv", amer) } });

        Assert.Equal(TaskState.Success, ingest.State);
        Assert.Equal([new FundamentalsFile(emea, Session, 1), new FundamentalsFile(amer, Session, 2)], ingest.Output<FundamentalsFile[]>());
    }
}
