using System.Globalization;
using System.Text.Json;
using NodaTime;
using Pipelines;

// The vendor allows four connections at once, across every pipeline and server that calls it.
[assembly: Pool("vendor_api", Slots = 4, Description = "The fundamentals vendor allows four connections")]

namespace NightlyDataload;

/// <summary>One file of the vendor's drop for a session; its name labels the ingest instance that loads it.</summary>
public sealed record VendorFile([property: MapLabel] string Name, string Path);

/// <summary>One vendor file of daily fundamentals, as ingested.</summary>
public sealed record FundamentalsFile(string Path, LocalDate Session, int Rows);

/// <summary>Fundamentals aggregated for one session.</summary>
public sealed record DailyFundamentals(LocalDate Session, int Companies, decimal TotalMarketCap, string WarehouseFile);

/// <summary>
/// Our users' nightly load: wait for the vendor's fundamentals drop, list the files that arrived (one per region),
/// ingest each in its own mapped instance (with its own retries) and build the session's daily fundamentals from all
/// of them in the warehouse, which is the asset <c>fundamentals.daily</c>. The risk jobs run in
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
    // The vendor writes a marker once the whole drop is there: a file alone may land before its siblings.
    [PipelineTask, Sensor(PokeInterval = "00:00:01", Timeout = "03:00:00")]
    public bool VendorFilesArrived(RunContext run)
    {
        vendor.Expect(run.LogicalDate);
        return File.Exists(folders.VendorDropDone(run.LogicalDate));
    }

    // How many files arrive is the vendor's business (one per region today): the ingest maps over whatever is here,
    // in name order so map indexes and labels are the same on every try of the run.
    [PipelineTask, DependsOn(nameof(VendorFilesArrived))]
    public IReadOnlyList<VendorFile> ListVendorFiles(RunContext run) =>
        Directory.GetFiles(folders.VendorDrop, DataFolders.VendorFilePattern(run.LogicalDate))
            .Order(StringComparer.Ordinal)
            .Select(path => new VendorFile(Path.GetFileName(path), path))
            .ToList();

    // One instance per file, each with its own tries and its own slot of the vendor's four connections.
    [PipelineTask(Retries = 3, RetryDelay = "00:00:01", RetryExponentialBackoff = true, MaxRetryDelay = "00:00:10", Timeout = "00:30:00", Pool = "vendor_api")]
    public async Task<FundamentalsFile> IngestFundamentals([MapOver(nameof(ListVendorFiles))] VendorFile file, RunContext run, CancellationToken cancellationToken)
    {
        if (vendor.Refuses(file.Path)) throw new IOException($"the vendor's SFTP server refused the connection for {file.Name}");
        var lines = await File.ReadAllLinesAsync(file.Path, cancellationToken);
        run.Logger.LogIngested(lines.Length - 1, file.Path);
        return new FundamentalsFile(file.Path, run.LogicalDate, lines.Length - 1);
    }

    // A successful build records an event of fundamentals.daily for the session, which risk_models waits for.
    // It reads every ingested file, in map-index order, and names them in the warehouse file.
    [PipelineTask, Produces("fundamentals.daily")]
    public async Task<DailyFundamentals> BuildDailyFundamentals([FromTask(nameof(IngestFundamentals))] IReadOnlyList<FundamentalsFile> files, RunContext run, CancellationToken cancellationToken)
    {
        var caps = new List<decimal>();
        foreach (var file in files)
            caps.AddRange((await File.ReadAllLinesAsync(file.Path, cancellationToken)).Skip(1)
                .Select(line => decimal.Parse(line.Split(',')[2], CultureInfo.InvariantCulture)));
        Directory.CreateDirectory(folders.Warehouse);
        var session = run.LogicalDate;
        var target = folders.DailyFundamentalsFile(session);
        var result = new DailyFundamentals(session, caps.Count, caps.Sum(), target);
        var sources = files.Select(f => Path.GetFileName(f.Path)).ToList();
        await File.WriteAllTextAsync(target, JsonSerializer.Serialize(new { session = session.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture), result.Companies, result.TotalMarketCap, files = sources }), cancellationToken);
        run.SetAssetExtra("companies", caps.Count.ToString(CultureInfo.InvariantCulture));
        run.SetAssetExtra("files", sources.Count.ToString(CultureInfo.InvariantCulture));
        run.SetAssetExtra("file", Path.GetFileName(target));
        return result;
    }

    /// <summary>The run failed: say so in the log, with the run and the reason, for whoever watches it.</summary>
    [OnFailure]
    public static void ReportFailedRun(PipelineEvent failed, ILogger<NightlyDataloadPipeline> logger) =>
        logger.LogRunFailed(failed.RunId, failed.Message);
}
