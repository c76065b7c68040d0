using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NodaTime;
using NodaTime.Testing;
using Pipelines.Hangfire;
using Pipelines.Testing;

namespace NightlyDataload.Tests;

/// <summary>The nightly load, run in-process by the test host: a fake vendor folder, a fake clock, no Hangfire server.</summary>
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
    public async Task A_night_loads_the_vendor_file_and_queues_every_risk_job()
    {
        var result = await Host().RunAsync(Session);

        Assert.Equal(RunState.Success, result.State);
        Assert.All(result.Tasks, t => Assert.Equal(TaskState.Success, t.State));
        var file = result.Output<FundamentalsFile>("IngestFundamentals");
        Assert.Equal(5, file.Rows);
        Assert.Equal(Session, file.Session);
        Assert.Equal(5, result.Output<DailyFundamentals>("BuildDailyFundamentals").Companies);
        Assert.Equal("backtest", result.Output<QueuedJob>("Backtest").Name);
        Assert.True(File.Exists(result.Output<QueuedJob>("Backtest").File));
        Assert.Contains(result["IngestFundamentals"].Log, l => l.Level == LogLevel.Information && l.Message.Contains("5 rows", StringComparison.Ordinal));
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
    public async Task A_vendor_that_keeps_refusing_fails_the_night_at_the_backtest()
    {
        var result = await Host(vendorFailures: 10).RunAsync(Session);

        Assert.Equal(RunState.Failed, result.State);
        Assert.Equal(TaskState.Failed, result["IngestFundamentals"].State);
        Assert.Equal(4, result["IngestFundamentals"].Tries);
        Assert.Contains("refused the connection", result["IngestFundamentals"].Reason);
        Assert.Equal(TaskState.UpstreamFailed, result["Backtest"].State);
        Assert.Contains("Backtest", result.Message);
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
