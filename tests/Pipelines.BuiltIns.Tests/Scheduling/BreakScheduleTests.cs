using Pipelines.Schedules;
using static Pipelines.BuiltIns.Tests.Dates;

namespace Pipelines.BuiltIns.Tests;

/// <summary>
/// Break-anchored schedules (<c>@break_start</c>, <c>@break_end</c>) fire only on sessions that have a break: on a user
/// calendar shaped like Hong Kong's 2024 securities market (lunch 12:00-13:00, a noon close on Christmas Eve with no
/// break, Christmas and Boxing Day closed) and on XHKG itself.
/// </summary>
public sealed class BreakScheduleTests
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
        [new OneOffEarlyClose("Christmas Eve", new LocalTime(12, 0), new LocalDate(2024, 12, 24))]);

    private static Instant Hk(string local) => HongKong.AtStrictly(NodaTime.Text.LocalDateTimePattern.GeneralIso.Parse(local + ":00").Value).ToInstant();

    private static SessionSchedule Schedule(string text) => new(Lunch, PipelineSchedule.Parse(text).Session!, HongKong);

    [Fact]
    public void Break_start_fires_on_sessions_with_a_break_and_skips_the_half_day_and_the_holidays()
    {
        var schedule = Schedule("@break_start");
        var firings = new List<SessionOccurrence>();
        for (var next = schedule.NextAfter(Hk("2024-12-23T00:00")); next is { } o && o.At <= Hk("2024-12-31T00:00"); next = schedule.NextAfter(o.At)) firings.Add(o);

        Assert.Equal(new[] { D("2024-12-23"), D("2024-12-27"), D("2024-12-30") }, firings.Select(f => f.Session));
        Assert.Equal(new[] { Hk("2024-12-23T12:00"), Hk("2024-12-27T12:00"), Hk("2024-12-30T12:00") }, firings.Select(f => f.At));
        // Friday's data interval runs from Monday's firing: the half day between fired nothing.
        Assert.Equal(new Interval(Hk("2024-12-23T12:00"), Hk("2024-12-27T12:00")), firings[1].DataInterval);
        Assert.False(schedule.Fires(D("2024-12-24")));
    }

    [Fact]
    public void Break_end_takes_an_offset_in_elapsed_time()
    {
        Assert.Equal(Hk("2024-12-23T12:55"), Schedule("@break_end-00:05").FireTime(D("2024-12-23")));
        Assert.Equal(Hk("2024-12-23T13:30"), Schedule("@break_end+00:30").FireTime(D("2024-12-23")));
    }

    [Fact]
    public void Asking_for_the_break_firing_of_a_session_without_one_says_why()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Schedule("@break_start").FireTime(D("2024-12-24")));
        Assert.Equal("Session 2024-12-24 of LUNCH_TEST has no midday break, so '@break_start' does not fire for it.", error.Message);
    }

    [Fact]
    public void A_break_schedule_on_a_calendar_without_breaks_never_fires()
    {
        var schedule = new SessionSchedule(ExchangeCalendar.Get("XNYS"), PipelineSchedule.Parse("@break_start").Session!, NewYork);
        Assert.Null(schedule.NextAfter(I("2035-06-01T00:00:00Z")));
    }

    [Fact]
    public void A_break_schedule_on_a_calendar_without_breaks_answers_from_today_without_a_scan()
    {
        // From today, not from the end of the range: the answer must not need 45 years of sessions.
        var schedule = new SessionSchedule(ExchangeCalendar.Get("XNYS"), PipelineSchedule.Parse("@break_start").Session!, NewYork);
        Assert.Null(schedule.NextAfter(Instant.FromUtc(2024, 6, 3, 12, 0)));
    }

    [Fact]
    public void An_xhkg_break_end_schedule_fires_after_lunch_and_skips_the_half_days()
    {
        // Christmas week 2024: Monday 12-23 full, Tuesday 12-24 a morning only, 12-25/26 holidays, Friday 12-27 full.
        var schedule = new SessionSchedule(ExchangeCalendar.Get("XHKG"), PipelineSchedule.Parse("@break_end+00:05").Session!, HongKong);
        var first = schedule.NextAfter(Hk("2024-12-23T14:00"));
        Assert.Equal(D("2024-12-27"), first?.Session);
        Assert.Equal(Hk("2024-12-27T13:05"), first?.At);
    }
}
