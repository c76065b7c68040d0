using System.Globalization;
using System.Text.Json;
using NodaTime;
using Pipelines;

namespace NightlyDataload;

/// <summary>A job put on the risk team's queue (a file in the queue folder).</summary>
public sealed record QueuedJob(string Name, string File);

/// <summary>
/// The risk team's jobs for a session: they need both the session's prices and its daily fundamentals, whichever
/// pipeline loaded them and whenever that was, so the pipeline is scheduled on both assets (Airflow's
/// <c>schedule=Asset("prices.daily") &amp; Asset("fundamentals.daily")</c>) and starts once per session when the later of
/// the two lands, with the session as its logical date. A reload of either starts it again for that session.
/// Its assets are closed: a misspelt or removed asset is a compile error (PIPE054), not a pipeline that never runs.
/// </summary>
[Pipeline("risk_models",
    Schedule = "@assets(prices.daily & fundamentals.daily)",
    TimeZone = "America/New_York",
    ClosedAssets = true,
    Description = "Queue the risk-metrics, fund and public risk model jobs, run the contest and the backtest, on the session's prices and fundamentals.",
    Tags = new[] { "finance", "risk" })]
public sealed partial class RiskModelsPipeline(DataFolders folders)
{
    [PipelineTask]
    public async Task<DailyFundamentals> ReadDailyFundamentals(RunContext run, CancellationToken cancellationToken)
    {
        var path = folders.DailyFundamentalsFile(run.LogicalDate);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(path, cancellationToken));
        return new DailyFundamentals(run.LogicalDate, json.RootElement.GetProperty("Companies").GetInt32(), json.RootElement.GetProperty("TotalMarketCap").GetDecimal(), path);
    }

    [PipelineTask]
    public async Task<ClosingPrices> ReadClosingPrices(RunContext run, CancellationToken cancellationToken)
    {
        var path = folders.ClosingPricesFile(run.LogicalDate);
        var rows = (await File.ReadAllLinesAsync(path, cancellationToken)).Length - 1;
        return new ClosingPrices(run.LogicalDate, rows, path);
    }

    [PipelineTask(Queue = "risk")]
    public QueuedJob QueueRiskMetricsJob([FromTask(nameof(ReadDailyFundamentals))] DailyFundamentals fundamentals, [FromTask(nameof(ReadClosingPrices))] ClosingPrices prices) =>
        Enqueue("risk_metrics", fundamentals, prices);

    [PipelineTask(Queue = "risk")]
    public QueuedJob QueueFundRiskModel([FromTask(nameof(ReadDailyFundamentals))] DailyFundamentals fundamentals, [FromTask(nameof(ReadClosingPrices))] ClosingPrices prices) =>
        Enqueue("fund_risk_model", fundamentals, prices);

    [PipelineTask(Queue = "risk")]
    public QueuedJob QueuePublicRiskModel([FromTask(nameof(ReadDailyFundamentals))] DailyFundamentals fundamentals, [FromTask(nameof(ReadClosingPrices))] ClosingPrices prices) =>
        Enqueue("public_risk_model", fundamentals, prices);

    [PipelineTask]
    public QueuedJob RunContest([FromTask(nameof(QueueFundRiskModel))] QueuedJob fund, [FromTask(nameof(QueuePublicRiskModel))] QueuedJob @public, RunContext run) =>
        Write("contest", run.LogicalDate, $"{{\"models\":[\"{fund.Name}\",\"{@public.Name}\"]}}");

    // The backtest needs the contest and the risk metrics both done: a run's outcome comes from its leaf tasks, as in Airflow.
    [PipelineTask, DependsOn(nameof(RunContest), nameof(QueueRiskMetricsJob))]
    public QueuedJob Backtest(RunContext run)
    {
        run.Logger.LogBacktest(run.LogicalDate);
        return Write("backtest", run.LogicalDate, "{\"window_days\":250}");
    }

    private QueuedJob Enqueue(string name, DailyFundamentals fundamentals, ClosingPrices prices) =>
        Write(name, fundamentals.Session, $"{{\"fundamentals\":\"{Path.GetFileName(fundamentals.WarehouseFile)}\",\"prices\":\"{Path.GetFileName(prices.WarehouseFile)}\"}}");

    private QueuedJob Write(string name, LocalDate session, string body)
    {
        Directory.CreateDirectory(folders.JobQueue);
        var file = Path.Combine(folders.JobQueue, $"{name}_{session.ToString("uuuuMMdd", CultureInfo.InvariantCulture)}.json");
        File.WriteAllText(file, body);
        return new QueuedJob(name, file);
    }
}
