using static Pipelines.Calendars.Tests.Dates;

namespace Pipelines.Calendars.Tests;

/// <summary>
/// CME Globex equity futures: a session labelled D runs from 17:00 Chicago the evening before to 16:00 Chicago on D;
/// full closures on New Year's Day, Good Friday and Christmas; a noon (Chicago) halt on the other US holidays.
/// </summary>
public sealed class CmesTests
{
    private static readonly ExchangeCalendar Cme = ExchangeCalendar.Get("CMES");

    [Fact]
    public void Times_are_published_in_chicago()
    {
        Assert.Equal(Chicago, Cme.Zone);
    }

    [Theory]
    [InlineData("2016-01-01")]
    [InlineData("2016-03-25")]
    [InlineData("2016-12-26")]
    public void Equity_futures_are_closed_on_new_years_good_friday_and_christmas(string date)
    {
        Assert.False(Cme.IsSession(D(date)));
    }

    [Theory]
    [InlineData("2016-01-18", "2016-01-19")]
    [InlineData("2016-02-15", "2016-02-16")]
    [InlineData("2016-05-30", "2016-05-31")]
    [InlineData("2016-07-04", "2016-07-05")]
    [InlineData("2016-09-05", "2016-09-06")]
    [InlineData("2016-11-24", "2016-11-25")]
    public void On_other_holidays_trading_halts_at_1pm_new_york_and_reopens_at_6pm_for_the_next_session(string holiday, string next)
    {
        Assert.True(Cme.IsSession(D(holiday)));
        Assert.True(Cme.IsEarlyClose(D(holiday)));
        Assert.Equal($"{holiday}T13:00", InNewYork(Cme.SessionClose(D(holiday))));
        Assert.Equal(D(next), Cme.NextSession(D(holiday)));
        Assert.Equal($"{holiday}T18:00", InNewYork(Cme.SessionOpen(D(next))));
    }

    [Fact]
    public void A_regular_session_opens_the_evening_before_and_closes_at_4pm_chicago()
    {
        var session = Cme.SessionOpen(D("2016-01-05"));

        Assert.Equal(new LocalDateTime(2016, 1, 4, 17, 0), session.LocalDateTime);
        Assert.Equal(new LocalDateTime(2016, 1, 5, 16, 0), Cme.SessionClose(D("2016-01-05")).LocalDateTime);
        Assert.Equal("2016-01-05T17:00", InNewYork(Cme.SessionClose(D("2016-01-05"))));
    }

    [Fact]
    public void The_monday_session_opens_on_sunday_evening()
    {
        Assert.Equal("2016-01-03T18:00", InNewYork(Cme.SessionOpen(D("2016-01-04"))));
    }

    [Fact]
    public void The_day_after_thanksgiving_closes_at_1215_chicago()
    {
        Assert.Equal(new LocalDateTime(2016, 11, 25, 12, 15), Cme.SessionClose(D("2016-11-25")).LocalDateTime);
    }

    [Fact]
    public void Is_open_on_sunday_evening_but_not_during_the_holiday_halt()
    {
        Assert.True(Cme.IsOpenAt(I("2016-01-17T23:30:00Z")));   // Sunday 17:30 Chicago, MLK session
        Assert.True(Cme.IsOpenAt(I("2016-01-18T17:30:00Z")));   // Monday 11:30 Chicago
        Assert.False(Cme.IsOpenAt(I("2016-01-18T18:30:00Z")));  // Monday 12:30 Chicago, halted
        Assert.True(Cme.IsOpenAt(I("2016-01-18T23:30:00Z")));   // Monday 17:30 Chicago, Tuesday's session
        Assert.False(Cme.IsOpenAt(I("2016-01-19T22:30:00Z")));  // Tuesday 16:30 Chicago, maintenance break
        Assert.False(Cme.IsOpenAt(I("2016-01-23T18:00:00Z")));  // Saturday
    }

    [Fact]
    public void Equity_futures_were_closed_for_president_fords_day_of_mourning()
    {
        Assert.False(Cme.IsSession(D("2007-01-02")));
        Assert.Equal(new LocalDateTime(2007, 1, 2, 17, 0), Cme.SessionOpen(D("2007-01-03")).LocalDateTime);
    }
}
