using static Pipelines.Calendars.Tests.Dates;

namespace Pipelines.Calendars.Tests;

/// <summary>Moving between sessions: next, previous and ranges.</summary>
public sealed class SessionArithmeticTests
{
    private static readonly ExchangeCalendar Nyse = ExchangeCalendar.Get("XNYS");

    [Fact]
    public void Next_session_skips_a_memorial_day_long_weekend()
    {
        Assert.Equal(D("2024-05-28"), Nyse.NextSession(D("2024-05-24")));
        Assert.Equal(D("2024-05-28"), Nyse.NextSession(D("2024-05-25")));
        Assert.Equal(D("2024-05-28"), Nyse.NextSession(D("2024-05-27")));
    }

    [Fact]
    public void Previous_session_skips_a_memorial_day_long_weekend()
    {
        Assert.Equal(D("2024-05-24"), Nyse.PreviousSession(D("2024-05-28")));
        Assert.Equal(D("2024-05-24"), Nyse.PreviousSession(D("2024-05-27")));
    }

    [Fact]
    public void Next_and_previous_are_strictly_after_and_before_even_from_a_session()
    {
        Assert.Equal(D("2024-11-29"), Nyse.NextSession(D("2024-11-27")));
        Assert.Equal(D("2024-11-27"), Nyse.PreviousSession(D("2024-11-29")));
    }

    [Fact]
    public void Sessions_lists_every_session_in_an_inclusive_range()
    {
        var expected = new[] { "2024-12-20", "2024-12-23", "2024-12-24", "2024-12-26", "2024-12-27", "2024-12-30", "2024-12-31", "2025-01-02", "2025-01-03" }
            .Select(D);

        Assert.Equal(expected, Nyse.Sessions(D("2024-12-20"), D("2025-01-03")));
    }

    [Fact]
    public void Sessions_of_a_range_without_sessions_is_empty()
    {
        Assert.Empty(Nyse.Sessions(D("2024-12-25"), D("2024-12-25")));
    }

    [Fact]
    public void Sessions_rejects_a_reversed_range()
    {
        Assert.Throws<ArgumentException>(() => Nyse.Sessions(D("2024-12-31"), D("2024-12-01")));
    }

    [Fact]
    public void The_supported_range_covers_1990_through_2035()
    {
        Assert.True(Nyse.FirstSupportedDate <= D("1990-01-01"));
        Assert.True(Nyse.LastSupportedDate >= D("2035-12-31"));
        Assert.Equal(D("1990-01-02"), Nyse.Sessions(D("1990-01-01"), D("1990-01-05")).First());
        Assert.Equal(D("2035-12-31"), Nyse.Sessions(D("2035-12-24"), D("2035-12-31")).Last());
    }

    [Fact]
    public void Every_calendar_answers_for_every_date_in_the_supported_range()
    {
        foreach (var id in new[] { "XNYS", "CMES", "SIFMA_US" })
        {
            var calendar = ExchangeCalendar.Get(id);
            var sessions = calendar.Sessions(D("1990-01-01"), D("2035-12-31"));

            Assert.InRange(sessions.Count, 46 * 245, 46 * 262);
            Assert.All(sessions, session => Assert.True(calendar.SessionOpen(session).ToInstant() < calendar.SessionClose(session).ToInstant()));
        }
    }
}
