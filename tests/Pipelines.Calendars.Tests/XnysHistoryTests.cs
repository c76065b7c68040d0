using static Pipelines.Calendars.Tests.Dates;

namespace Pipelines.Calendars.Tests;

/// <summary>NYSE's unscheduled closures and the way its rules changed over the years.</summary>
public sealed class XnysHistoryTests
{
    private static readonly ExchangeCalendar Nyse = ExchangeCalendar.Get("XNYS");

    [Theory]
    [InlineData("1994-04-27", "Nixon")]
    [InlineData("2001-09-11", "September 11")]
    [InlineData("2001-09-12", "September 11")]
    [InlineData("2001-09-13", "September 11")]
    [InlineData("2001-09-14", "September 11")]
    [InlineData("2004-06-11", "Reagan")]
    [InlineData("2007-01-02", "Ford")]
    [InlineData("2012-10-29", "Sandy")]
    [InlineData("2012-10-30", "Sandy")]
    [InlineData("2018-12-05", "Bush")]
    [InlineData("2025-01-09", "Carter")]
    public void One_off_closures_are_holidays_with_their_reason(string date, string reasonFragment)
    {
        Assert.False(Nyse.IsSession(D(date)));
        Assert.True(Nyse.TryGetHoliday(D(date), out var name));
        Assert.Contains(reasonFragment, name);
    }

    [Fact]
    public void Trading_resumed_on_the_monday_after_september_11()
    {
        Assert.Equal(D("2001-09-17"), Nyse.NextSession(D("2001-09-10")));
        Assert.Equal(D("2001-09-10"), Nyse.PreviousSession(D("2001-09-17")));
    }

    [Fact]
    public void Early_closes_were_at_2pm_before_1993()
    {
        Assert.Equal("1992-11-27T14:00", InNewYork(Nyse.SessionClose(D("1992-11-27"))));
        Assert.Equal("1992-12-24T14:00", InNewYork(Nyse.SessionClose(D("1992-12-24"))));
        Assert.Equal("1993-11-26T13:00", InNewYork(Nyse.SessionClose(D("1993-11-26"))));
    }

    [Fact]
    public void Martin_luther_king_day_is_a_holiday_only_from_1998()
    {
        Assert.True(Nyse.IsSession(D("1997-01-20")));
        Assert.False(Nyse.IsSession(D("1998-01-19")));
    }

    [Fact]
    public void Juneteenth_is_a_holiday_only_from_2022()
    {
        Assert.True(Nyse.IsSession(D("2021-06-18")));
        Assert.False(Nyse.IsSession(D("2022-06-20")));
    }

    [Fact]
    public void Until_2012_a_thursday_independence_day_shortened_the_friday_after_and_from_2013_the_wednesday_before()
    {
        Assert.True(Nyse.IsEarlyClose(D("2002-07-05")));
        Assert.False(Nyse.IsEarlyClose(D("2002-07-03")));
        Assert.True(Nyse.IsEarlyClose(D("2013-07-03")));
        Assert.False(Nyse.IsEarlyClose(D("2013-07-05")));
        Assert.Equal("2013-07-03T13:00", InNewYork(Nyse.SessionClose(D("2013-07-03"))));
    }

    [Fact]
    public void Saturday_new_years_days_of_2005_and_2011_left_the_friday_before_a_session()
    {
        Assert.True(Nyse.IsSession(D("2004-12-31")));
        Assert.True(Nyse.IsSession(D("2010-12-31")));
    }

    [Fact]
    public void Weekends_and_holidays_are_never_early_closes()
    {
        Assert.False(Nyse.IsEarlyClose(D("2024-07-06")));
        Assert.False(Nyse.IsEarlyClose(D("2024-07-04")));
        Assert.False(Nyse.TryGetEarlyClose(D("2024-07-05"), out _));
    }

    [Fact]
    public void An_early_close_says_why()
    {
        Assert.True(Nyse.TryGetEarlyClose(D("2024-11-29"), out var close));
        Assert.Equal(new LocalTime(13, 0), close.Close);
        Assert.Contains("Thanksgiving", close.Reason);
    }
}
