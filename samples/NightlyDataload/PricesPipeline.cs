using System.Globalization;
using System.Text;
using NodaTime;
using Pipelines;

namespace NightlyDataload;

/// <summary>The session's closing prices, as loaded into the warehouse.</summary>
public sealed record ClosingPrices(LocalDate Session, int Rows, string WarehouseFile);

/// <summary>
/// The closing prices of each NYSE session, loaded into the warehouse at 18:00 New York time: the asset
/// <c>prices.daily</c>. (The sample makes the prices up; a real load would call the market data feed.)
/// </summary>
[Pipeline("prices",
    Schedule = "0 18 * * 1-5",
    TimeZone = "America/New_York",
    Calendar = "XNYS",
    StartDate = "2024-01-02",
    MaxActiveRuns = 1,
    Description = "Load the session's closing prices into the warehouse (prices.daily).",
    Tags = new[] { "finance", "nightly" })]
public sealed partial class PricesPipeline(DataFolders folders)
{
    private static readonly string[] Tickers = { "AAPL", "MSFT", "JPM", "XOM", "JNJ" };

    // A successful load records an event of prices.daily for the session, which risk_models waits for.
    [PipelineTask(Retries = 2, RetryDelay = "00:00:05"), Produces("prices.daily")]
    public async Task<ClosingPrices> LoadClosingPrices(RunContext run, CancellationToken cancellationToken)
    {
        var random = new Random(run.LogicalDate.GetHashCode() ^ 0x5eed);
        var csv = new StringBuilder("ticker,close\n");
        foreach (var ticker in Tickers)
            csv.Append(CultureInfo.InvariantCulture, $"{ticker},{random.Next(20, 500)}.{random.Next(0, 99):00}\n");
        Directory.CreateDirectory(folders.Warehouse);
        var target = folders.ClosingPricesFile(run.LogicalDate);
        await File.WriteAllTextAsync(target, csv.ToString(), cancellationToken);
        run.SetAssetExtra("rows", Tickers.Length.ToString(CultureInfo.InvariantCulture));
        run.SetAssetExtra("file", Path.GetFileName(target));
        return new ClosingPrices(run.LogicalDate, Tickers.Length, target);
    }
}
