using static Pipelines.Calendars.Tests.Dates;

namespace Pipelines.Calendars.Tests;

/// <summary>NYSE sessions that opened late or closed early for reasons no rule predicts, each from a published account.</summary>
public sealed class XnysUnscheduledEventTests
{
    private static readonly ExchangeCalendar Nyse = ExchangeCalendar.Get("XNYS");

    [Fact]
    public void The_blizzard_of_1996_opened_at_11_and_closed_at_2()
    {
        // AP, "Blizzard Shuts Down Big Apple", 1996-01-08: the New York, American and Nasdaq stock exchanges
        // didn't open until 11 a.m. and planned to close at 2 p.m. instead of 4.
        var day = D("1996-01-08");

        Assert.Equal("1996-01-08T11:00", InNewYork(Nyse.SessionOpen(day)));
        Assert.Equal("1996-01-08T14:00", InNewYork(Nyse.SessionClose(day)));
        Assert.True(Nyse.TryGetLateOpen(day, out var late));
        Assert.Equal(new LateOpen(day, new LocalTime(11, 0), "Snowstorm"), late);
    }

    [Fact]
    public void The_blizzard_session_is_closed_before_11_and_open_from_11()
    {
        // 10:59 and 11:00 EST on 1996-01-08 are 15:59Z and 16:00Z; 14:00 EST is 19:00Z.
        Assert.False(Nyse.IsOpenAt(I("1996-01-08T14:30:00Z")));
        Assert.False(Nyse.IsOpenAt(I("1996-01-08T15:59:59Z")));
        Assert.True(Nyse.IsOpenAt(I("1996-01-08T16:00:00Z")));
        Assert.False(Nyse.IsOpenAt(I("1996-01-08T19:00:00Z")));
    }

    [Fact]
    public void The_days_around_the_blizzard_open_at_9_30()
    {
        Assert.Equal("1996-01-05T09:30", InNewYork(Nyse.SessionOpen(D("1996-01-05"))));
        Assert.Equal("1996-01-09T09:30", InNewYork(Nyse.SessionOpen(D("1996-01-09"))));
        Assert.False(Nyse.TryGetLateOpen(D("1996-01-09"), out _));
        Assert.False(Nyse.TryGetLateOpen(D("1996-01-07"), out _)); // a Sunday: not a session, so not a late open
    }

    [Fact]
    public void New_years_eve_1999_closed_at_1pm_as_the_board_approved_in_april_1999()
    {
        // NYSE announcement of 1999-04-06: the board of directors approved a proposal to close the market at
        // 1:00 pm on December 31, 1999.
        var day = D("1999-12-31");

        Assert.True(Nyse.IsSession(day));
        Assert.Equal("1999-12-31T09:30", InNewYork(Nyse.SessionOpen(day)));
        Assert.Equal("1999-12-31T13:00", InNewYork(Nyse.SessionClose(day)));
        Assert.Contains(Nyse.EarlyCloses(1999), close => close.Date == day && close.Close == new LocalTime(13, 0));
    }

    [Fact]
    public void Other_new_years_eves_close_at_4pm()
    {
        Assert.Equal("1998-12-31T16:00", InNewYork(Nyse.SessionClose(D("1998-12-31"))));
        Assert.Equal("2024-12-31T16:00", InNewYork(Nyse.SessionClose(D("2024-12-31"))));
    }

    [Fact]
    public void New_york_sessions_have_no_break()
    {
        Assert.Null(Nyse.BreakStart(D("2024-07-03")));
        Assert.Null(Nyse.BreakEnd(D("2024-07-03")));
    }
}
