using static Pipelines.Calendars.Tests.Dates;

namespace Pipelines.Calendars.Tests;

/// <summary>
/// Midday breaks on a user calendar shaped like Hong Kong's 2024 securities market (09:30-16:00 with lunch 12:00-13:00,
/// a noon close on Christmas Eve with no lunch break, Christmas and Boxing Day closed): the break is not trading time,
/// and times measured from a break exist only on sessions that have one.
/// </summary>
public sealed class BreakTests
{
    private static readonly DateTimeZone HongKong = DateTimeZoneProviders.Tzdb["Asia/Hong_Kong"];

    private static readonly RuleBasedCalendar Lunch = new(
        "LUNCH_TEST",
        "A market with a lunch break",
        HongKong,
        new TradingHours(new LocalTime(9, 30), new LocalTime(16, 0)) { BreakStart = new LocalTime(12, 0), BreakEnd = new LocalTime(13, 0) },
        new LocalDate(2024, 1, 1),
        new LocalDate(2025, 12, 31),
        [new OneOffHoliday("Christmas", new LocalDate(2024, 12, 25), new LocalDate(2024, 12, 26))],
        [new OneOffEarlyClose("Christmas Eve", new LocalTime(12, 0), new LocalDate(2024, 12, 24))])
    {
        LateOpenRules = [new OneOffLateOpen("Typhoon signal lowered at noon", new LocalTime(14, 0), new LocalDate(2024, 12, 20))],
    };

    private static string Local(ZonedDateTime? time) => time?.LocalDateTime.ToString("uuuu-MM-dd'T'HH:mm", null) ?? "none";

    private static Instant Hk(string local) => HongKong.AtStrictly(NodaTime.Text.LocalDateTimePattern.GeneralIso.Parse(local + ":00").Value).ToInstant();

    [Fact]
    public void A_regular_session_breaks_from_12_to_13()
    {
        Assert.Equal("2024-12-23T12:00", Local(Lunch.BreakStart(D("2024-12-23"))));
        Assert.Equal("2024-12-23T13:00", Local(Lunch.BreakEnd(D("2024-12-23"))));
    }

    [Fact]
    public void A_half_day_that_closes_at_the_break_has_no_break()
    {
        Assert.Equal("2024-12-24T12:00", Local(Lunch.SessionClose(D("2024-12-24"))));
        Assert.Null(Lunch.BreakStart(D("2024-12-24")));
        Assert.Null(Lunch.BreakEnd(D("2024-12-24")));
    }

    [Fact]
    public void A_session_that_opens_after_the_break_has_no_break()
    {
        Assert.Equal("2024-12-20T14:00", Local(Lunch.SessionOpen(D("2024-12-20"))));
        Assert.Null(Lunch.BreakStart(D("2024-12-20")));
    }

    [Fact]
    public void A_holiday_has_no_break_to_ask_about()
    {
        Assert.Throws<NotASessionException>(() => Lunch.BreakStart(D("2024-12-25")));
    }

    [Theory]
    [InlineData("2024-12-23T09:29", false)]
    [InlineData("2024-12-23T09:30", true)]
    [InlineData("2024-12-23T11:59", true)]
    [InlineData("2024-12-23T12:00", false)] // break start is inclusive
    [InlineData("2024-12-23T12:59", false)]
    [InlineData("2024-12-23T13:00", true)]  // break end is exclusive
    [InlineData("2024-12-23T15:59", true)]
    [InlineData("2024-12-23T16:00", false)]
    [InlineData("2024-12-24T11:59", true)]
    [InlineData("2024-12-24T12:30", false)]
    public void The_market_is_not_open_during_the_break(string local, bool open)
    {
        Assert.Equal(open, Lunch.IsOpenAt(Hk(local)));
    }

    [Fact]
    public void A_break_must_lie_inside_the_session_and_have_both_ends()
    {
        static RuleBasedCalendar With(TradingHours hours) =>
            new("BAD", "Bad", HongKong, hours, new LocalDate(2024, 1, 1), new LocalDate(2024, 12, 31), [], []);

        var outside = Assert.Throws<ArgumentException>(() => With(new TradingHours(new LocalTime(9, 30), new LocalTime(16, 0)) { BreakStart = new LocalTime(15, 0), BreakEnd = new LocalTime(17, 0) }));
        Assert.StartsWith("Calendar 'BAD' has a break 15:00:00-17:00:00 that does not lie inside its session 09:30:00-16:00:00.", outside.Message);
        var oneEnd = Assert.Throws<ArgumentException>(() => With(new TradingHours(new LocalTime(9, 30), new LocalTime(16, 0)) { BreakStart = new LocalTime(12, 0) }));
        Assert.StartsWith("Calendar 'BAD' has a break with only one end; set both BreakStart and BreakEnd, or neither.", oneEnd.Message);
    }

    [Fact]
    public void Break_edges_take_an_offset_in_elapsed_time_and_a_session_without_a_break_has_none()
    {
        Assert.Equal(Hk("2024-12-23T12:00"), Lunch.At(D("2024-12-23"), SessionEdge.BreakStart, Duration.Zero));
        Assert.Equal(Hk("2024-12-23T12:55"), Lunch.At(D("2024-12-23"), SessionEdge.BreakEnd, Duration.FromMinutes(-5)));
        Assert.Equal(Hk("2024-12-23T13:30"), Lunch.At(D("2024-12-23"), SessionEdge.BreakEnd, Duration.FromMinutes(30)));
        Assert.Null(Lunch.At(D("2024-12-24"), SessionEdge.BreakStart, Duration.Zero));
        Assert.Equal(Hk("2024-12-24T12:30"), Lunch.At(D("2024-12-24"), SessionEdge.Close, Duration.FromMinutes(30)));
    }

    [Fact]
    public void A_calendar_says_whether_any_of_its_sessions_may_break_without_a_scan()
    {
        Assert.True(Lunch.MayHaveBreaks);
        Assert.True(ExchangeCalendar.Get("XTKS").MayHaveBreaks);
        Assert.False(ExchangeCalendar.Get("XNYS").MayHaveBreaks);
        Assert.False(ExchangeCalendar.Get("XNYS & XTKS").MayHaveBreaks);
    }
}
