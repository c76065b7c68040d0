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

/// <summary>
/// Our users' nightly load: wait for the vendor's fundamentals drop, ingest it (with retries) and build the session's
/// daily fundamentals in the warehouse, which is the asset <c>fundamentals.daily</c>. The risk jobs run in
/// <see cref="RiskModelsPipeline"/> once the session's prices have landed too. Runs at 04:00 New York time on NYSE sessions.
/// </summary>
[Pipeline("nightly_dataload",
    Schedule = "0 4 * * 1-5",
    TimeZone = "America/New_York",
    Calendar = "XNYS",
    StartDate = "2024-01-02",
    MaxActiveRuns = 1,
    // The risk desk reads the warehouse from 06:30 New York time: a load not done by then must be reported.
    Deadline = "06:30",
    Description = "Ingest the vendor's fundamentals and build the session's daily fundamentals (fundamentals.daily).",
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

    // A successful build records an event of fundamentals.daily for the session, which risk_models waits for.
    [PipelineTask, Produces("fundamentals.daily")]
    public async Task<DailyFundamentals> BuildDailyFundamentals([FromTask(nameof(IngestFundamentals))] FundamentalsFile file, RunContext run, CancellationToken cancellationToken)
    {
        var caps = (await File.ReadAllLinesAsync(file.Path, cancellationToken)).Skip(1)
            .Select(line => decimal.Parse(line.Split(',')[2], CultureInfo.InvariantCulture))
            .ToList();
        Directory.CreateDirectory(folders.Warehouse);
        var target = folders.DailyFundamentalsFile(file.Session);
        var result = new DailyFundamentals(file.Session, caps.Count, caps.Sum(), target);
        await File.WriteAllTextAsync(target, JsonSerializer.Serialize(new { session = file.Session.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture), result.Companies, result.TotalMarketCap }), cancellationToken);
        run.SetAssetExtra("companies", caps.Count.ToString(CultureInfo.InvariantCulture));
        run.SetAssetExtra("file", Path.GetFileName(target));
        return result;
    }

    /// <summary>The run failed: say so in the log, with the run and the reason, for whoever watches it.</summary>
    [OnFailure]
    public static void ReportFailedRun(PipelineEvent failed, ILogger<NightlyDataloadPipeline> logger) =>
        logger.LogRunFailed(failed.RunId, failed.Message);
}
