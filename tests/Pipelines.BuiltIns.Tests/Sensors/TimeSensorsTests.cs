using NodaTime.Testing;
using NodaTime.TimeZones;
using static Pipelines.BuiltIns.Tests.Dates;

namespace Pipelines.BuiltIns.Tests;

/// <summary>The wait-until sensors: a local time on the logical date, or a time relative to the session's open or close.</summary>
public sealed class TimeSensorsTests
{
    private static readonly LocalTime Nine = new(9, 0);
    private static readonly ExchangeCalendar Nyse = ExchangeCalendar.Get("XNYS");

    [Theory]
    [InlineData("2024-03-08", "2024-03-08T13:59:59Z", false)] // Friday before the change: 09:00 EST is 14:00Z
    [InlineData("2024-03-08", "2024-03-08T14:00:00Z", true)]
    [InlineData("2024-03-11", "2024-03-11T12:59:59Z", false)] // Monday after the change: 09:00 EDT is 13:00Z
    [InlineData("2024-03-11", "2024-03-11T13:00:00Z", true)]
    [InlineData("2024-11-04", "2024-11-04T13:30:00Z", false)] // back on EST: 13:30Z is only 08:30
    [InlineData("2024-11-04", "2024-11-04T14:00:00Z", true)]
    public void Nine_in_new_york_follows_daylight_saving(string logicalDate, string now, bool expected)
    {
        var clock = new FakeClock(I(now));

        Assert.Equal(expected, TimeSensors.IsPast(Runs.On(D(logicalDate)), clock, Nine, "America/New_York"));
    }

    [Fact]
    public void A_clock_advancing_through_the_morning_satisfies_the_sensor_at_nine()
    {
        var clock = new FakeClock(I("2024-03-11T12:00:00Z"));
        var run = Runs.On(D("2024-03-11"));
        Assert.False(TimeSensors.IsPast(run, clock, Nine, "America/New_York"));

        clock.Advance(Duration.FromMinutes(59));
        Assert.False(TimeSensors.IsPast(run, clock, Nine, "America/New_York"));

        clock.Advance(Duration.FromMinutes(1));
        Assert.True(TimeSensors.IsPast(run, clock, Nine, "America/New_York"));
    }

    [Fact]
    public void A_run_for_an_earlier_date_is_satisfied_at_once()
    {
        var clock = new FakeClock(I("2024-03-12T05:00:00Z"));

        Assert.True(TimeSensors.IsPast(Runs.On(D("2024-03-11")), clock, new LocalTime(23, 59), "America/New_York"));
    }

    [Fact]
    public void A_time_in_the_spring_forward_gap_moves_forward_by_the_gap()
    {
        // 02:30 does not exist in New York on 2024-03-10; leniently it is 03:30 EDT, 07:30Z.
        Assert.Equal(I("2024-03-10T07:30:00Z"), TimeSensors.At(D("2024-03-10"), new LocalTime(2, 30), NewYork));
        var run = Runs.On(D("2024-03-10"));

        Assert.False(TimeSensors.IsPast(run, new FakeClock(I("2024-03-10T07:29:59Z")), new LocalTime(2, 30), NewYork));
        Assert.True(TimeSensors.IsPast(run, new FakeClock(I("2024-03-10T07:30:00Z")), new LocalTime(2, 30), NewYork));
    }

    [Fact]
    public void A_time_in_the_autumn_overlap_is_its_earlier_occurrence()
    {
        // 01:30 happens twice in New York on 2024-11-03: at 05:30Z (EDT) and at 06:30Z (EST); the first one counts.
        Assert.Equal(I("2024-11-03T05:30:00Z"), TimeSensors.At(D("2024-11-03"), new LocalTime(1, 30), NewYork));
        Assert.True(TimeSensors.IsPast(Runs.On(D("2024-11-03")), new FakeClock(I("2024-11-03T05:30:00Z")), new LocalTime(1, 30), "America/New_York"));
    }

    [Fact]
    public void An_unknown_time_zone_is_a_clear_error()
    {
        Assert.Throws<DateTimeZoneNotFoundException>(() =>
            TimeSensors.IsPast(Runs.On(D("2024-03-11")), new FakeClock(I("2024-03-11T13:00:00Z")), Nine, "America/New_Yrok"));
    }

    [Theory]
    [InlineData("2024-11-29", "2024-11-29T18:29:59Z", false)] // early close 13:00 EST: 30 minutes after is 13:30, 18:30Z
    [InlineData("2024-11-29", "2024-11-29T18:30:00Z", true)]
    [InlineData("2024-11-26", "2024-11-26T18:30:00Z", false)] // regular close 16:00 EST: 30 minutes after is 16:30, 21:30Z
    [InlineData("2024-11-26", "2024-11-26T21:30:00Z", true)]
    [InlineData("2024-07-03", "2024-07-03T17:29:59Z", false)] // early close 13:00 EDT: 13:30 is 17:30Z
    [InlineData("2024-07-03", "2024-07-03T17:30:00Z", true)]
    public void Thirty_minutes_after_the_close_follows_early_closes_and_daylight_saving(string session, string now, bool expected)
    {
        var clock = new FakeClock(I(now));

        Assert.Equal(expected, TimeSensors.IsPastSessionClose(Runs.On(D(session)), clock, Nyse, Duration.FromMinutes(30)));
        Assert.Equal(expected, TimeSensors.IsPastSessionClose(Runs.On(D(session)), clock, "XNYS", Duration.FromMinutes(30)));
    }

    [Fact]
    public void Fifteen_minutes_after_the_open_is_0945_local_on_both_sides_of_the_change()
    {
        var offset = Duration.FromMinutes(15);

        Assert.False(TimeSensors.IsPastSessionOpen(Runs.On(D("2024-03-08")), new FakeClock(I("2024-03-08T14:44:59Z")), Nyse, offset));
        Assert.True(TimeSensors.IsPastSessionOpen(Runs.On(D("2024-03-08")), new FakeClock(I("2024-03-08T14:45:00Z")), Nyse, offset));
        Assert.False(TimeSensors.IsPastSessionOpen(Runs.On(D("2024-03-11")), new FakeClock(I("2024-03-11T13:44:59Z")), "XNYS", offset));
        Assert.True(TimeSensors.IsPastSessionOpen(Runs.On(D("2024-03-11")), new FakeClock(I("2024-03-11T13:45:00Z")), "XNYS", offset));
    }

    [Fact]
    public void A_negative_offset_means_before_the_close()
    {
        // "An hour before the close" on the early-close day after Thanksgiving is 12:00 EST, 17:00Z.
        Assert.True(TimeSensors.IsPastSessionClose(Runs.On(D("2024-11-29")), new FakeClock(I("2024-11-29T17:00:00Z")), Nyse, Duration.FromHours(-1)));
        Assert.False(TimeSensors.IsPastSessionClose(Runs.On(D("2024-11-29")), new FakeClock(I("2024-11-29T16:59:59Z")), Nyse, Duration.FromHours(-1)));
    }

    [Fact]
    public void A_session_relative_time_on_a_holiday_is_a_clear_error()
    {
        var error = Assert.Throws<NotASessionException>(() =>
            TimeSensors.IsPastSessionClose(Runs.On(D("2024-11-28")), new FakeClock(I("2024-11-28T22:00:00Z")), Nyse, Duration.FromMinutes(30)));

        Assert.Contains("Thanksgiving", error.Message, StringComparison.Ordinal);
    }
}
