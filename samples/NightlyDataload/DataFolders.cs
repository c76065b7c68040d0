using NodaTime;

namespace NightlyDataload;

/// <summary>Where the sample reads and writes: the vendor's drop folder, the warehouse, and the job queue folder.</summary>
public sealed class DataFolders(string root)
{
    public string Root { get; } = root;

    public string VendorDrop => Path.Combine(Root, "vendor-drop");

    public string Warehouse => Path.Combine(Root, "warehouse");

    public string JobQueue => Path.Combine(Root, "risk-jobs");

    /// <summary>One of the session's vendor files: the vendor drops one per region.</summary>
    public string VendorFile(LocalDate session, string region) => Path.Combine(VendorDrop, $"fundamentals_{session:yyyyMMdd}_{region}.csv");

    /// <summary>The session's vendor files, as a search pattern in <see cref="VendorDrop"/>.</summary>
    public static string VendorFilePattern(LocalDate session) => $"fundamentals_{session:yyyyMMdd}_*.csv";

    /// <summary>The marker the vendor writes once the session's drop is complete (a file can land before its siblings).</summary>
    public string VendorDropDone(LocalDate session) => Path.Combine(VendorDrop, $"fundamentals_{session:yyyyMMdd}.done");

    /// <summary>The session's daily fundamentals in the warehouse, written by nightly_dataload (asset fundamentals.daily).</summary>
    public string DailyFundamentalsFile(LocalDate session) => Path.Combine(Warehouse, $"daily_fundamentals_{session:yyyyMMdd}.json");

    /// <summary>The session's closing prices in the warehouse, written by prices (asset prices.daily).</summary>
    public string ClosingPricesFile(LocalDate session) => Path.Combine(Warehouse, $"closing_prices_{session:yyyyMMdd}.csv");

    /// <summary>The sample's root: NightlyDataload:DataFolder (NIGHTLY_DATA), or a folder under the temp directory.</summary>
    public static DataFolders From(NightlySettings settings) =>
        new(settings.DataFolder is { Length: > 0 } root ? root : Path.Combine(Path.GetTempPath(), "nightly-dataload"));
}
