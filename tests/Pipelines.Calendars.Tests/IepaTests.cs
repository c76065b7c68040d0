using static Pipelines.Calendars.Tests.Dates;

namespace Pipelines.Calendars.Tests;

/// <summary>
/// ICE Futures U.S. against ICE's US holiday notices: full closures on New Year's Day, Good Friday and Christmas, a 13:00
/// halt on the other US holidays, and the overnight session from 20:00 New York the evening before.
/// </summary>
public sealed class IepaTests
{
    private static readonly ExchangeCalendar Ice = ExchangeCalendar.Get("IEPA");

    [Theory]
    [InlineData("2024-01-01")]
    [InlineData("2024-03-29")]
    [InlineData("2024-12-25")]
    [InlineData("2022-12-26")] // Christmas on Sunday, observed Monday
    [InlineData("2012-10-29")] // Hurricane Sandy, first day only
    [InlineData("2007-01-02")] // President Ford
    [InlineData("2025-04-18")] // Good Friday, ICE Futures U.S. 2025 holiday calendar
    public void Closed_days(string date)
    {
        Assert.False(Ice.IsSession(D(date)));
    }

    [Fact]
    public void The_session_opens_at_20_00_new_york_the_evening_before_and_closes_at_18_00()
    {
        Assert.Equal("2024-06-10T20:00", InNewYork(Ice.SessionOpen(D("2024-06-11"))));
        Assert.Equal("2024-06-11T18:00", InNewYork(Ice.SessionClose(D("2024-06-11"))));

        // Monday's session opens on Sunday evening, and after Good Friday too.
        Assert.Equal("2024-03-31T20:00", InNewYork(Ice.SessionOpen(D("2024-04-01"))));
        Assert.True(Ice.IsSession(D("2012-10-30")));
    }

    [Fact]
    public void President_carters_day_of_mourning_was_a_session()
    {
        // NYSE closed on 2025-01-09; ICE Futures U.S. observed a moment of silence (SIFMA's unscheduled-close matrix).
        Assert.True(Ice.IsSession(D("2025-01-09")));
        Assert.False(ExchangeCalendar.Get("XNYS").IsSession(D("2025-01-09")));
    }

    [Theory]
    // ICE Futures U.S. 2025 holiday calendar: the financial contracts open with an early close.
    [InlineData("2025-01-20")]
    [InlineData("2025-06-19")]
    [InlineData("2025-11-27")]
    [InlineData("2024-01-15")] // Martin Luther King Jr. Day
    [InlineData("2024-02-19")] // Washington's Birthday
    [InlineData("2024-05-27")] // Memorial Day
    [InlineData("2024-07-04")] // Independence Day
    [InlineData("2024-09-02")] // Labor Day
    [InlineData("2024-11-28")] // Thanksgiving
    [InlineData("2033-07-04")]
    public void Other_us_holidays_halt_at_13_00(string date)
    {
        Assert.Equal($"{date}T13:00", InNewYork(Ice.SessionClose(D(date))));
        Assert.Equal($"{D(date).PlusDays(-1):uuuu-MM-dd}T20:00", InNewYork(Ice.SessionOpen(D(date))));
    }

    [Fact]
    public void New_york_daylight_saving_moves_the_instants_not_the_local_times()
    {
        // Monday 2024-03-11 opens Sunday 03-10 at 20:00 EDT, hours after the change; Friday 03-08 opened Thursday at 20:00 EST.
        Assert.Equal(I("2024-03-11T00:00:00Z"), Ice.SessionOpen(D("2024-03-11")).ToInstant());
        Assert.Equal(I("2024-03-08T01:00:00Z"), Ice.SessionOpen(D("2024-03-08")).ToInstant());
    }

    [Fact]
    public void Supported_from_2007()
    {
        Assert.Equal(D("2007-01-01"), Ice.FirstSupportedDate);
        Assert.Throws<UnsupportedDateException>(() => Ice.IsSession(D("2006-12-29")));
    }
}
