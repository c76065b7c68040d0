using System.Globalization;
using System.Text;
using NodaTime;

namespace NightlyDataload;

/// <summary>
/// Stands in for the data vendor: a few seconds after being asked, it drops a small generated fundamentals file for a
/// session into the drop folder, so the pipeline's file sensor has something real to wait for.
/// </summary>
public sealed class SimulatedVendor(VendorDrop drop, ILogger<SimulatedVendor> logger)
{
    public async Task DeliverAsync(LocalDate session, TimeSpan after, CancellationToken cancellationToken)
    {
        await Task.Delay(after, cancellationToken);
        Directory.CreateDirectory(drop.Folder);
        var random = new Random(session.GetHashCode());
        var csv = new StringBuilder("ticker,sector,market_cap\n");
        foreach (var (ticker, sector) in new[] { ("AAPL", "Tech"), ("MSFT", "Tech"), ("JPM", "Financials"), ("XOM", "Energy"), ("JNJ", "Health") })
            csv.Append(CultureInfo.InvariantCulture, $"{ticker},{sector},{random.Next(100, 3000)}.{random.Next(0, 99):00}\n");
        var path = drop.FileFor(session);
        await File.WriteAllTextAsync(path + ".part", csv.ToString(), cancellationToken);
        File.Move(path + ".part", path, overwrite: true);
        logger.LogInformation("Vendor delivered {Path}", path);
    }
}
