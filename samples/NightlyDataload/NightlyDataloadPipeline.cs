using NodaTime;
using Pipelines;

namespace NightlyDataload;

/// <summary>One vendor file of daily fundamentals.</summary>
public sealed record FundamentalsFile(string Path, LocalDate Session, int Rows);

/// <summary>Fundamentals aggregated for one session.</summary>
public sealed record DailyFundamentals(LocalDate Session, int Companies, decimal TotalMarketCap);

/// <summary>Where the vendor drops its files.</summary>
public sealed class VendorDrop(string folder)
{
    public string Folder { get; } = folder;

    public string FileFor(LocalDate session) => System.IO.Path.Combine(Folder, $"fundamentals_{session:yyyyMMdd}.csv");
}

/// <summary>
/// Our users' nightly load: wait for the vendor's fundamentals file, ingest it, build daily fundamentals,
/// then queue the risk-model jobs. Runs at 04:00 New York time on NYSE sessions.
/// </summary>
[Pipeline("nightly_dataload",
    Schedule = "0 4 * * 1-5",
    TimeZone = "America/New_York",
    Calendar = "XNYS",
    StartDate = "2024-01-02",
    MaxActiveRuns = 1,
    Description = "Ingest the vendor's fundamentals, build daily fundamentals, queue risk-model jobs.",
    Tags = new[] { "finance", "nightly" })]
public sealed partial class NightlyDataloadPipeline(VendorDrop drop)
{
    [PipelineTask, Sensor(PokeInterval = "00:00:02", Timeout = "03:00:00")]
    public bool VendorFileArrived(RunContext run) => File.Exists(drop.FileFor(run.LogicalDate));

    [PipelineTask(Retries = 2, RetryDelay = "00:05:00", RetryExponentialBackoff = true, MaxRetryDelay = "00:20:00", Timeout = "00:30:00"),
     DependsOn(nameof(VendorFileArrived))]
    public async Task<FundamentalsFile> IngestFundamentals(RunContext run, CancellationToken cancellationToken)
    {
        var path = drop.FileFor(run.LogicalDate);
        var lines = await File.ReadAllLinesAsync(path, cancellationToken);
        run.Logger.LogIngested(lines.Length - 1, path);
        return new FundamentalsFile(path, run.LogicalDate, lines.Length - 1);
    }

    [PipelineTask]
    public async Task<DailyFundamentals> BuildDailyFundamentals([FromTask(nameof(IngestFundamentals))] FundamentalsFile file, CancellationToken cancellationToken)
    {
        var rows = (await File.ReadAllLinesAsync(file.Path, cancellationToken)).Skip(1)
            .Select(line => line.Split(','))
            .Select(cells => decimal.Parse(cells[2], System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
        return new DailyFundamentals(file.Session, rows.Count, rows.Sum());
    }

    [PipelineTask(Queue = "risk")]
    public static string QueueRiskMetricsJob([FromTask(nameof(BuildDailyFundamentals))] DailyFundamentals fundamentals) =>
        $"risk-metrics/{fundamentals.Session:yyyy-MM-dd}";

    [PipelineTask(Queue = "risk")]
    public static string QueueFundRiskModel([FromTask(nameof(BuildDailyFundamentals))] DailyFundamentals fundamentals) =>
        $"fund-risk/{fundamentals.Session:yyyy-MM-dd}";

    [PipelineTask(Queue = "risk")]
    public static string QueuePublicRiskModel([FromTask(nameof(BuildDailyFundamentals))] DailyFundamentals fundamentals) =>
        $"public-risk/{fundamentals.Session:yyyy-MM-dd}";

    [PipelineTask(Trigger = TriggerRule.AllDone),
     DependsOn(nameof(QueueRiskMetricsJob), nameof(QueueFundRiskModel), nameof(QueuePublicRiskModel))]
    public static void Backtest(RunContext run) => run.Logger.LogBacktest(run.LogicalDate);
}
