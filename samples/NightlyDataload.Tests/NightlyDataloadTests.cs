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

    [Fact]
    public async Task A_night_loads_the_vendor_file_and_builds_the_daily_fundamentals_it_produces()
    {
        var result = await Host().RunAsync(Session);

        Assert.Equal(RunState.Success, result.State);
        Assert.All(result.Tasks, t => Assert.Equal(TaskState.Success, t.State));
        var file = result.Output<FundamentalsFile>("IngestFundamentals");
        Assert.Equal(5, file.Rows);
        Assert.Equal(Session, file.Session);
        Assert.Equal(5, result.Output<DailyFundamentals>("BuildDailyFundamentals").Companies);
        Assert.True(File.Exists(_folders.DailyFundamentalsFile(Session)));
        Assert.Contains(result["IngestFundamentals"].Log, l => l.Level == LogLevel.Information && l.Message.Contains("5 rows", StringComparison.Ordinal));
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
    public async Task A_vendor_that_refuses_twice_is_retried_with_backoff_on_the_clock()
    {
        var result = await Host(vendorFailures: 2).RunAsync(Session);

        Assert.Equal(RunState.Success, result.State);
        var ingest = result["IngestFundamentals"];
        Assert.Equal(3, ingest.Tries);
        Assert.Equal("Succeeded on try 3.", ingest.Reason);
        // Exponential backoff from one second: the third try starts 1 s + 2 s after the first failed, by the fake clock.
        Assert.Equal(Duration.FromSeconds(3), ingest.Start!.Value - result["VendorFileArrived"].End!.Value);
    }

    [Fact]
    public async Task A_vendor_that_keeps_refusing_fails_the_night_so_no_fundamentals_are_produced()
    {
        var result = await Host(vendorFailures: 10).RunAsync(Session);

        Assert.Equal(RunState.Failed, result.State);
        Assert.Equal(TaskState.Failed, result["IngestFundamentals"].State);
        Assert.Equal(4, result["IngestFundamentals"].Tries);
        Assert.Contains("refused the connection", result["IngestFundamentals"].Reason);
        Assert.Equal(TaskState.UpstreamFailed, result["BuildDailyFundamentals"].State);
        Assert.Contains("BuildDailyFundamentals", result.Message);
        Assert.False(File.Exists(_folders.DailyFundamentalsFile(Session)));
    }

    [Fact]
    public async Task Daily_fundamentals_are_built_from_a_given_vendor_file()
    {
        Directory.CreateDirectory(_folders.VendorDrop);
        var path = _folders.VendorFile(Session);
        await File.WriteAllTextAsync(path, "ticker,sector,market_cap\nAAPL,Tech,100.50\nJPM,Financials,20.25\n");

        var daily = await Host().RunTaskAsync("BuildDailyFundamentals", Session,
            outputs: new Dictionary<string, object?> { ["IngestFundamentals"] = new FundamentalsFile(path, Session, 2) });

        Assert.Equal(TaskState.Success, daily.State);
        Assert.Equal(new DailyFundamentals(Session, 2, 120.75m, Path.Combine(_folders.Warehouse, "daily_fundamentals_20241127.json")), daily.Output<DailyFundamentals>());
    }
}
