using NodaTime.Testing;
using Pipelines.Schedules;
using static Pipelines.BuiltIns.Tests.Dates;

namespace Pipelines.BuiltIns.Tests;

/// <summary>Session-relative schedules against NYSE's published 2024 sessions: one firing per session, none on holidays.</summary>
public sealed class SessionScheduleTests
{
    private static readonly ExchangeCalendar Nyse = ExchangeCalendar.Get("XNYS");

    private static SessionSchedule Schedule(string text, string calendar = "XNYS") =>
        new(ExchangeCalendar.Get(calendar), PipelineSchedule.Parse(text).Session!, NewYork);

    private static List<SessionOccurrence> Between(SessionSchedule schedule, Instant from, Instant to)
    {
        var found = new List<SessionOccurrence>();
        for (var next = schedule.NextAfter(from); next is { } o && o.At <= to; next = schedule.NextAfter(o.At)) found.Add(o);
        return found;
    }

    private static string Local(Instant at) => InNewYork(at.InZone(NewYork));

    [Fact]
    public void Thirty_minutes_after_the_close_over_thanksgiving_week_skips_the_holiday_and_follows_the_early_close()
    {
        var firings = Between(Schedule("@session_close+00:30"), I("2024-11-25T00:00:00Z"), I("2024-11-30T23:59:00Z"));

        Assert.Equal(new[] { D("2024-11-25"), D("2024-11-26"), D("2024-11-27"), D("2024-11-29") }, firings.Select(f => f.Session));
        Assert.Equal(new[] { "2024-11-25T16:30", "2024-11-26T16:30", "2024-11-27T16:30", "2024-11-29T13:30" }, firings.Select(f => Local(f.At)));
    }

    [Fact]
    public void A_combined_calendar_fires_on_sessions_of_both_at_the_earlier_close()
    {
        // Thanksgiving week 2024 on XNYS & CMES: Thursday is an NYSE holiday (CME trades to 12:00 Chicago), Friday
        // closes at NYSE's 13:00 (CME's 12:15 Chicago is 13:15 New York).
        var firings = Between(Schedule("@session_close+00:30", "XNYS & CMES"), I("2024-11-25T00:00:00Z"), I("2024-11-30T23:59:00Z"));

        Assert.Equal(new[] { D("2024-11-25"), D("2024-11-26"), D("2024-11-27"), D("2024-11-29") }, firings.Select(f => f.Session));
        Assert.Equal(new[] { "2024-11-25T16:30", "2024-11-26T16:30", "2024-11-27T16:30", "2024-11-29T13:30" }, firings.Select(f => Local(f.At)));
    }

    [Fact]
    public void An_either_calendar_fires_on_a_holiday_of_only_one_side()
    {
        // Thanksgiving 2024-11-28: NYSE closed; CME's shortened session halts at 12:00 Chicago (13:00 New York).
        var firings = Between(Schedule("@session_close", "XNYS | CMES"), I("2024-11-28T00:00:00Z"), I("2024-11-28T23:59:00Z"));

        Assert.Equal(new[] { (D("2024-11-28"), "2024-11-28T13:00") }, firings.Select(f => (f.Session, Local(f.At))));
    }

    [Fact]
    public void A_close_relative_firing_keeps_its_local_time_across_the_spring_DST_change()
    {
        // Friday 2024-03-08 closes at 16:00 EST (21:00Z); Monday 2024-03-11 at 16:00 EDT (20:00Z).
        var schedule = Schedule("@session_close+00:30");
        var friday = schedule.NextAfter(I("2024-03-08T12:00:00Z"))!.Value;
        var monday = schedule.NextAfter(friday.At)!.Value;

        Assert.Equal((D("2024-03-08"), I("2024-03-08T21:30:00Z")), (friday.Session, friday.At));
        Assert.Equal((D("2024-03-11"), I("2024-03-11T20:30:00Z")), (monday.Session, monday.At));
        // Monday's data interval starts at Friday's firing: three calendar days less the hour DST took.
        Assert.Equal(new Interval(I("2024-03-08T21:30:00Z"), I("2024-03-11T20:30:00Z")), monday.DataInterval);
        Assert.Equal(Duration.FromHours(71), monday.DataInterval.Duration);
    }

    [Fact]
    public void The_plain_close_is_the_close_itself()
    {
        var schedule = Schedule("@session_close");
        Assert.Equal(Nyse.SessionClose(D("2024-11-29")).ToInstant(), schedule.FireTime(D("2024-11-29")));
        Assert.Equal(I("2024-11-29T18:00:00Z"), schedule.FireTime(D("2024-11-29")));
    }

    [Fact]
    public void An_hour_before_the_open_is_08_30_New_York()
    {
        var schedule = Schedule("@session_open-01:00");
        Assert.Equal("2024-11-29T08:30", Local(schedule.FireTime(D("2024-11-29"))));
        // Asked at 09:00 on the Friday after Thanksgiving, the next firing is Monday's.
        var next = schedule.NextAfter(I("2024-11-29T14:00:00Z"))!.Value;
        Assert.Equal(D("2024-12-02"), next.Session);
        Assert.Equal("2024-12-02T08:30", Local(next.At));
    }

    [Fact]
    public void After_session_fires_the_next_calendar_morning_including_Saturday_and_Thanksgiving_morning()
    {
        // The nightly load runs at 04:00 New York the morning after each session: the Wednesday session before
        // Thanksgiving loads on Thursday morning (a holiday, but the data is in), Friday's on Saturday morning.
        var firings = Between(Schedule("@after_session 04:00"), I("2024-11-25T12:00:00Z"), I("2024-12-03T12:00:00Z"));

        Assert.Equal(new[] { D("2024-11-25"), D("2024-11-26"), D("2024-11-27"), D("2024-11-29"), D("2024-12-02") }, firings.Select(f => f.Session));
        Assert.Equal(
            new[] { "2024-11-26T04:00", "2024-11-27T04:00", "2024-11-28T04:00", "2024-11-30T04:00", "2024-12-03T04:00" },
            firings.Select(f => Local(f.At)));
        // Monday's run covers from Saturday's firing: the weekend has no session of its own.
        Assert.Equal(new Interval(I("2024-11-30T09:00:00Z"), I("2024-12-03T09:00:00Z")), firings[^1].DataInterval);
    }

    [Fact]
    public void After_session_is_read_in_the_pipeline_time_zone_across_DST()
    {
        var schedule = Schedule("@after_session 04:00");
        // Friday 2024-03-08 → Saturday 04:00 EST (09:00Z); Monday 2024-03-11 → Tuesday 04:00 EDT (08:00Z).
        Assert.Equal(I("2024-03-09T09:00:00Z"), schedule.FireTime(D("2024-03-08")));
        Assert.Equal(I("2024-03-12T08:00:00Z"), schedule.FireTime(D("2024-03-11")));
        Assert.Equal(D("2024-03-11"), schedule.NextAfter(I("2024-03-09T09:00:00Z"))!.Value.Session);
    }

    [Fact]
    public void A_firing_before_its_session_date_is_found_CME_opens_the_evening_before()
    {
        // CME equity futures' Monday 2024-11-25 session opens at 18:00 New York on Sunday 11-24.
        var schedule = Schedule("@session_open-00:15", "CMES");
        var next = schedule.NextAfter(I("2024-11-24T12:00:00Z"))!.Value;
        Assert.Equal(D("2024-11-25"), next.Session);
        Assert.Equal("2024-11-24T17:45", Local(next.At));
    }

    [Fact]
    public void A_firing_exactly_at_the_instant_asked_about_is_not_after_it()
    {
        var schedule = Schedule("@session_close+00:30");
        Assert.Equal(D("2024-11-26"), schedule.NextAfter(I("2024-11-25T21:30:00Z"))!.Value.Session);
        Assert.Equal(D("2024-11-25"), schedule.NextAfter(I("2024-11-25T21:29:59Z"))!.Value.Session);
    }

    [Fact]
    public void A_holiday_has_no_firing()
    {
        var error = Assert.Throws<NotASessionException>(() => Schedule("@after_session 04:00").FireTime(D("2024-11-28")));
        Assert.Contains("2024-11-28", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Past_the_calendar_data_there_is_no_next_firing()
    {
        var schedule = Schedule("@session_close");
        Assert.Null(schedule.NextAfter(Nyse.SessionClose(Nyse.LastSupportedDate).ToInstant()));
        Assert.Null(schedule.NextAfter(Nyse.LastSupportedDate.PlusDays(30).AtStartOfDayInZone(NewYork).ToInstant()));
    }

    [Fact]
    public void A_pipeline_schedule_is_read_on_its_calendar_in_its_time_zone()
    {
        var pipeline = Runs.Pipeline("close", "@session_close+00:30", "America/New_York", "XNYS");
        var schedule = SessionSchedule.For(pipeline)!;
        Assert.Same(Nyse, schedule.Calendar);
        Assert.Equal(NewYork, schedule.Zone);
        Assert.Null(SessionSchedule.For(Runs.Pipeline("cron", "0 4 * * *", "America/New_York", "XNYS")));
    }

    [Fact]
    public void A_session_schedule_without_a_calendar_is_refused_at_run_time_too()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SessionSchedule.For(Runs.Pipeline("no_calendar", "@session_close")));
        Assert.Equal("Pipeline 'no_calendar' has the session schedule '@session_close' but no Calendar to take the sessions from.", error.Message);
    }

    [Fact]
    public void Latest_only_uses_the_session_schedule()
    {
        // Wednesday's 16:30 run stays the latest through Thanksgiving until Friday's 13:30 firing (early close + 30 min).
        var pipeline = Runs.Pipeline("close", "@session_close+00:30", "America/New_York", "XNYS");
        var wednesday = Runs.Covering(pipeline.Id, I("2024-11-26T21:30:00Z"), I("2024-11-27T21:30:00Z"));

        Assert.Equal(I("2024-11-29T18:30:00Z"), RunConditions.NextScheduledAfter(pipeline, wednesday.DataInterval.End));
        Assert.True(RunConditions.IsLatestRun(wednesday, pipeline, new FakeClock(I("2024-11-29T18:29:59Z"))));
        Assert.False(RunConditions.IsLatestRun(wednesday, pipeline, new FakeClock(I("2024-11-29T18:30:00Z"))));
    }
}
