using System.Globalization;
using System.Text.Json;
using NodaTime;
using Pipelines;

// The vendor allows four connections at once, across every pipeline and server that calls it.
[assembly: Pool("vendor_api", Slots = 4, Description = "The fundamentals vendor allows four connections")]

namespace NightlyDataload;

/// <summary>One vendor file of daily fundamentals, as ingested.</summary>
public sealed record FundamentalsFile(string Path, LocalDate Session, int Rows);

/// <summary>Fundamentals aggregated for one session.</summary>
public sealed record DailyFundamentals(LocalDate Session, int Companies, decimal TotalMarketCap, string WarehouseFile);

/// <summary>A job put on the risk team's queue (a file in the queue folder).</summary>
public sealed record QueuedJob(string Name, string File);

/// <summary>
/// Our users' nightly load: wait for the vendor's fundamentals drop, ingest it (with retries), build daily fundamentals,
/// fan out to queue the risk-metrics, fund risk model and public risk model jobs, then the contest and backtest steps.
/// Runs at 04:00 New York time on NYSE sessions.
/// </summary>
[Pipeline("nightly_dataload",
    Schedule = "0 4 * * 1-5",
    TimeZone = "America/New_York",
    Calendar = "XNYS",
    StartDate = "2024-01-02",
    MaxActiveRuns = 1,
    // The risk desk reads the warehouse from 06:30 New York time: a load not done by then must be reported.
    Deadline = "06:30",
    Description = "Ingest the vendor's fundamentals, build daily fundamentals, queue risk-model jobs, run the contest and the backtest.",
    Tags = new[] { "finance", "nightly" })]
public sealed partial class NightlyDataloadPipeline(DataFolders folders, SimulatedVendor vendor)
{
    [PipelineTask, Sensor(PokeInterval = "00:00:01", Timeout = "03:00:00")]
    public bool VendorFileArrived(RunContext run)
    {
        vendor.Expect(run.LogicalDate);
        return File.Exists(folders.VendorFile(run.LogicalDate));
    }

    [PipelineTask(Retries = 3, RetryDelay = "00:00:01", RetryExponentialBackoff = true, MaxRetryDelay = "00:00:10", Timeout = "00:30:00", Pool = "vendor_api"),
     DependsOn(nameof(VendorFileArrived))]
    public async Task<FundamentalsFile> IngestFundamentals(RunContext run, CancellationToken cancellationToken)
    {
        if (vendor.Refuses()) throw new IOException("the vendor's SFTP server refused the connection");
        var path = folders.VendorFile(run.LogicalDate);
        var lines = await File.ReadAllLinesAsync(path, cancellationToken);
        run.Logger.LogIngested(lines.Length - 1, path);
        return new FundamentalsFile(path, run.LogicalDate, lines.Length - 1);
    }

    [PipelineTask]
    public async Task<DailyFundamentals> BuildDailyFundamentals([FromTask(nameof(IngestFundamentals))] FundamentalsFile file, CancellationToken cancellationToken)
    {
        var caps = (await File.ReadAllLinesAsync(file.Path, cancellationToken)).Skip(1)
            .Select(line => decimal.Parse(line.Split(',')[2], CultureInfo.InvariantCulture))
            .ToList();
        Directory.CreateDirectory(folders.Warehouse);
        var target = Path.Combine(folders.Warehouse, $"daily_fundamentals_{file.Session:yyyyMMdd}.json");
        var result = new DailyFundamentals(file.Session, caps.Count, caps.Sum(), target);
        await File.WriteAllTextAsync(target, JsonSerializer.Serialize(new { session = file.Session.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture), result.Companies, result.TotalMarketCap }), cancellationToken);
        return result;
    }

    [PipelineTask(Queue = "risk")]
    public QueuedJob QueueRiskMetricsJob([FromTask(nameof(BuildDailyFundamentals))] DailyFundamentals fundamentals) => Enqueue("risk_metrics", fundamentals);

    [PipelineTask(Queue = "risk")]
    public QueuedJob QueueFundRiskModel([FromTask(nameof(BuildDailyFundamentals))] DailyFundamentals fundamentals) => Enqueue("fund_risk_model", fundamentals);

    [PipelineTask(Queue = "risk")]
    public QueuedJob QueuePublicRiskModel([FromTask(nameof(BuildDailyFundamentals))] DailyFundamentals fundamentals) => Enqueue("public_risk_model", fundamentals);

    [PipelineTask]
    public QueuedJob RunContest([FromTask(nameof(QueueFundRiskModel))] QueuedJob fund, [FromTask(nameof(QueuePublicRiskModel))] QueuedJob @public, RunContext run) =>
        Write("contest", run.LogicalDate, $"{{\"models\":[\"{fund.Name}\",\"{@public.Name}\"]}}");

    // A backtest on a failed load would test stale data: it needs both upstream tasks to have succeeded, so an ingest
    // failure reaches this leaf and fails the run (a run's outcome comes from its leaf tasks, as in Airflow).
    [PipelineTask, DependsOn(nameof(RunContest), nameof(QueueRiskMetricsJob))]
    public QueuedJob Backtest(RunContext run)
    {
        run.Logger.LogBacktest(run.LogicalDate);
        return Write("backtest", run.LogicalDate, "{\"window_days\":250}");
    }

    private QueuedJob Enqueue(string name, DailyFundamentals fundamentals) =>
        Write(name, fundamentals.Session, $"{{\"fundamentals\":\"{Path.GetFileName(fundamentals.WarehouseFile)}\"}}");

    private QueuedJob Write(string name, LocalDate session, string body)
    {
        Directory.CreateDirectory(folders.JobQueue);
        var file = Path.Combine(folders.JobQueue, $"{name}_{session:yyyyMMdd}.json");
        File.WriteAllText(file, body);
        return new QueuedJob(name, file);
    }

    /// <summary>The run failed: say so in the log, with the run and the reason, for whoever watches it.</summary>
    [OnFailure]
    public static void ReportFailedRun(PipelineEvent failed, ILogger<NightlyDataloadPipeline> logger) =>
        logger.LogRunFailed(failed.RunId, failed.Message);
}
