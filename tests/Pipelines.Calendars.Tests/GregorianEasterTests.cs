using static Pipelines.Calendars.Tests.Dates;

namespace Pipelines.Calendars.Tests;

/// <summary>Easter Sunday, against published dates including the earliest and latest possible.</summary>
public sealed class GregorianEasterTests
{
    [Theory]
    [InlineData(1818, "1818-03-22")]
    [InlineData(1990, "1990-04-15")]
    [InlineData(2000, "2000-04-23")]
    [InlineData(2008, "2008-03-23")]
    [InlineData(2019, "2019-04-21")]
    [InlineData(2024, "2024-03-31")]
    [InlineData(2025, "2025-04-20")]
    [InlineData(2038, "2038-04-25")]
    public void Easter_sunday_matches_the_published_date(int year, string expected)
    {
        Assert.Equal(D(expected), GregorianEaster.Sunday(year));
    }
}
