using static Pipelines.Calendars.Tests.Dates;

namespace Pipelines.Calendars.Tests;

/// <summary>A calendar fills its per-year caches on first use; many threads asking at once see the same answers.</summary>
public sealed class ConcurrencyTests
{
    [Fact]
    public void A_fresh_calendar_queried_from_many_threads_agrees_with_a_sequential_one()
    {
        var sequential = NewYorkStockExchange.Create();
        var expected = Enumerable.Range(1990, 46).ToDictionary(year => year, year => sequential.Sessions(D($"{year}-01-01"), D($"{year}-12-31")).Count);

        var shared = NewYorkStockExchange.Create();
        var actual = new System.Collections.Concurrent.ConcurrentDictionary<int, int>();
        Parallel.For(0, 46 * 4, i =>
        {
            var year = 1990 + (i % 46);
            actual[year] = shared.Sessions(D($"{year}-01-01"), D($"{year}-12-31")).Count;
            _ = shared.EarlyCloses(year);
        });

        Assert.Equal(expected.OrderBy(pair => pair.Key), actual.OrderBy(pair => pair.Key));
    }
}
