using NodaTime.Testing;
using static Pipelines.Calendars.Tests.Dates;

namespace Pipelines.Calendars.Tests;

/// <summary>Session times are local times, so their instants move with daylight saving.</summary>
public sealed class DaylightSavingTests
{
    private static readonly ExchangeCalendar Nyse = ExchangeCalendar.Get("XNYS");
    private static readonly ExchangeCalendar Cme = ExchangeCalendar.Get("CMES");

    [Fact]
    public void Nyse_opens_at_930_local_on_both_sides_of_the_march_change()
    {
        Assert.Equal(I("2024-03-08T14:30:00Z"), Nyse.SessionOpen(D("2024-03-08")).ToInstant());
        Assert.Equal(I("2024-03-11T13:30:00Z"), Nyse.SessionOpen(D("2024-03-11")).ToInstant());
    }

    [Fact]
    public void Nyse_closes_at_4pm_local_on_both_sides_of_the_november_change()
    {
        Assert.Equal(I("2024-11-01T20:00:00Z"), Nyse.SessionClose(D("2024-11-01")).ToInstant());
        Assert.Equal(I("2024-11-04T21:00:00Z"), Nyse.SessionClose(D("2024-11-04")).ToInstant());
    }

    [Fact]
    public void Session_times_are_in_the_exchange_zone()
    {
        Assert.Equal(NewYork, Nyse.SessionOpen(D("2024-03-11")).Zone);
        Assert.Equal(new LocalDateTime(2024, 3, 11, 9, 30), Nyse.SessionOpen(D("2024-03-11")).LocalDateTime);
    }

    [Fact]
    public void Cme_sunday_open_on_the_day_clocks_change_is_5pm_daylight_time()
    {
        Assert.Equal(I("2024-03-10T22:00:00Z"), Cme.SessionOpen(D("2024-03-11")).ToInstant());
        Assert.Equal(I("2024-03-03T23:00:00Z"), Cme.SessionOpen(D("2024-03-04")).ToInstant());
    }

    [Theory]
    [InlineData("2024-03-08T14:15:00Z", false)] // 09:15 EST, before the open
    [InlineData("2024-03-08T14:45:00Z", true)]  // 09:45 EST
    [InlineData("2024-03-11T13:15:00Z", false)] // 09:15 EDT, before the open
    [InlineData("2024-03-11T13:45:00Z", true)]  // 09:45 EDT; the same UTC time on Friday was before the open
    [InlineData("2024-03-11T19:59:59Z", true)]  // 15:59:59 EDT
    [InlineData("2024-03-11T20:00:00Z", false)] // 16:00 EDT, the close is exclusive
    [InlineData("2024-03-09T15:00:00Z", false)] // Saturday
    [InlineData("2024-07-03T17:30:00Z", false)] // 13:30 EDT on an early-close day
    public void Is_open_at_follows_local_hours_across_the_change(string utc, bool expected)
    {
        var clock = new FakeClock(I(utc));

        Assert.Equal(expected, Nyse.IsOpenAt(clock.GetCurrentInstant()));
    }

    [Fact]
    public void A_clock_advancing_through_the_session_sees_it_open_and_close()
    {
        var clock = new FakeClock(I("2024-11-04T14:00:00Z"));  // 09:00 EST, first Monday after the change
        Assert.False(Nyse.IsOpenAt(clock.GetCurrentInstant()));

        clock.Advance(Duration.FromMinutes(30));
        Assert.True(Nyse.IsOpenAt(clock.GetCurrentInstant()));

        clock.Advance(Duration.FromHours(6.5));
        Assert.False(Nyse.IsOpenAt(clock.GetCurrentInstant()));
    }
}
