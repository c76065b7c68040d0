using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using NodaTime;

namespace NightlyDataload;

/// <summary>
/// Stands in for the data vendor. The first time the pipeline looks for a session's drop, the vendor is "asked" and
/// a few seconds later drops one small generated fundamentals file per region, then a marker saying the drop is
/// complete, so the sensor really waits and then sees it. Set NIGHTLY_VENDOR_FAILS=n (NightlyDataload:VendorFailures)
/// to make the first n ingest tries of each file fail, to watch retries and notifications: counted per file, so each
/// mapped ingest instance sees the same refusals whichever order the instances run in.
/// </summary>
public sealed class SimulatedVendor(DataFolders folders, NightlySettings settings, ILogger<SimulatedVendor> logger)
{
    /// <summary>The regions the vendor drops a file for, each with its companies and their sectors.</summary>
    public static readonly IReadOnlyList<(string Region, (string Ticker, string Sector)[] Companies)> Regions =
    [
        ("amer", [("AAPL", "Tech"), ("MSFT", "Tech"), ("JPM", "Financials"), ("XOM", "Energy"), ("JNJ", "Health")]),
        ("apac", [("TSM", "Tech"), ("TM", "Autos")]),
        ("emea", [("ASML", "Tech"), ("NESN", "Staples"), ("SHEL", "Energy")]),
    ];

    private readonly ConcurrentDictionary<LocalDate, Task> _deliveries = new();
    private readonly ConcurrentDictionary<string, int> _tries = new(StringComparer.Ordinal);

    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Makes sure the session's files are on their way.</summary>
    public void Expect(LocalDate session) => _deliveries.GetOrAdd(session, s => Task.Run(() => DeliverAsync(s)));

    /// <summary>Whether the vendor's server refuses this download of <paramref name="file"/> (its first NIGHTLY_VENDOR_FAILS tries are refused).</summary>
    public bool Refuses(string file) => _tries.AddOrUpdate(file, 1, (_, tries) => tries + 1) <= settings.VendorFailures;

    private async Task DeliverAsync(LocalDate session)
    {
        await Task.Delay(Delay);
        Directory.CreateDirectory(folders.VendorDrop);
        var random = new Random(session.GetHashCode());
        foreach (var (region, companies) in Regions)
        {
            var csv = new StringBuilder("ticker,sector,market_cap\n");
            foreach (var (ticker, sector) in companies)
                csv.Append(CultureInfo.InvariantCulture, $"{ticker},{sector},{random.Next(100, 3000)}.{random.Next(0, 99):00}\n");
            var path = folders.VendorFile(session, region);
            await File.WriteAllTextAsync(path + ".part", csv.ToString());
            File.Move(path + ".part", path, overwrite: true);
            logger.LogInformation("Vendor delivered {Path}", path);
        }
        await File.WriteAllTextAsync(folders.VendorDropDone(session), "");
    }
}
