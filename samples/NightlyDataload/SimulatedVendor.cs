using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using NodaTime;

namespace NightlyDataload;

/// <summary>
/// Stands in for the data vendor. The first time the pipeline looks for a session's file, the vendor is "asked" and
/// drops a small generated fundamentals file a few seconds later, so the file sensor really waits and then sees it.
/// Set NIGHTLY_VENDOR_FAILS=n (NightlyDataload:VendorFailures) to make the first n ingest tries fail, to watch retries
/// and notifications.
/// </summary>
public sealed class SimulatedVendor(DataFolders folders, NightlySettings settings, ILogger<SimulatedVendor> logger)
{
    private readonly ConcurrentDictionary<LocalDate, Task> _deliveries = new();
    private int _failuresLeft = settings.VendorFailures;

    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Makes sure the session's file is on its way.</summary>
    public void Expect(LocalDate session) => _deliveries.GetOrAdd(session, s => Task.Run(() => DeliverAsync(s)));

    /// <summary>Whether the vendor's server refuses this download (counts down NIGHTLY_VENDOR_FAILS).</summary>
    public bool Refuses() => Interlocked.Decrement(ref _failuresLeft) >= 0;

    private async Task DeliverAsync(LocalDate session)
    {
        await Task.Delay(Delay);
        Directory.CreateDirectory(folders.VendorDrop);
        var random = new Random(session.GetHashCode());
        var csv = new StringBuilder("ticker,sector,market_cap\n");
        foreach (var (ticker, sector) in new[] { ("AAPL", "Tech"), ("MSFT", "Tech"), ("JPM", "Financials"), ("XOM", "Energy"), ("JNJ", "Health") })
            csv.Append(CultureInfo.InvariantCulture, $"{ticker},{sector},{random.Next(100, 3000)}.{random.Next(0, 99):00}\n");
        var path = folders.VendorFile(session);
        await File.WriteAllTextAsync(path + ".part", csv.ToString());
        File.Move(path + ".part", path, overwrite: true);
        logger.LogInformation("Vendor delivered {Path}", path);
    }
}
