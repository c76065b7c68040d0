using System.Collections.Immutable;
using Pipelines.Schedules;
using static Pipelines.BuiltIns.Tests.Dates;

namespace Pipelines.BuiltIns.Tests;

/// <summary>A deadline resolved for a logical date: a time of day on the day after it, or a time relative to its session.</summary>
public sealed class DeadlineScheduleTests
{
    private static readonly ExchangeCalendar Nyse = ExchangeCalendar.Get("XNYS");

    private static DeadlineSchedule Deadline(string text, ExchangeCalendar? calendar = null) =>
        new(PipelineDeadline.Parse(text)!, NewYork, calendar);

    [Fact]
    public void A_time_of_day_falls_on_the_day_after_the_logical_date_in_New_York_on_either_side_of_the_spring_change()
    {
        var deadline = Deadline("06:30");

        Assert.Equal(I("2024-03-09T11:30:00Z"), deadline.For(D("2024-03-08")));   // Saturday 06:30 EST
        Assert.Equal(I("2024-03-11T10:30:00Z"), deadline.For(D("2024-03-10")));   // Monday 06:30 EDT
    }

    [Fact]
    public void A_time_of_day_is_the_first_such_time_after_the_runs_data_interval_ends()
    {
        var deadline = Deadline("06:30");

        // A 04:00 cron run's interval ends when it fires: due 06:30 that morning (EST, then EDT after the change).
        Assert.Equal(I("2024-03-08T11:30:00Z"), deadline.For(D("2024-03-08"), I("2024-03-08T09:00:00Z")));
        Assert.Equal(I("2024-03-11T10:30:00Z"), deadline.For(D("2024-03-11"), I("2024-03-11T08:00:00Z")));
        // An @after_session 04:00 run of Friday's session fires on Saturday: due Saturday 06:30.
        Assert.Equal(I("2024-03-09T11:30:00Z"), deadline.For(D("2024-03-08"), I("2024-03-09T09:00:00Z")));
        // A run whose interval ends at 06:30 or later is due at the next 06:30.
        Assert.Equal(I("2024-03-09T11:30:00Z"), deadline.For(D("2024-03-08"), I("2024-03-08T11:30:00Z")));
        Assert.Equal(I("2024-03-10T07:30:00Z"), Deadline("02:30").For(D("2024-03-09"), I("2024-03-09T18:00:00Z")));   // skipped 02:30 is 03:30 EDT
    }

    [Fact]
    public void A_time_of_day_the_spring_change_skips_moves_later_by_the_gap_and_the_fall_change_takes_the_first_one()
    {
        Assert.Equal(I("2024-03-10T07:30:00Z"), Deadline("02:30").For(D("2024-03-09")));   // 03:30 EDT
        Assert.Equal(I("2024-11-03T05:30:00Z"), Deadline("01:30").For(D("2024-11-02")));   // the first 01:30 (EDT)
    }

    [Fact]
    public void A_deadline_an_hour_after_the_close_follows_the_early_close_and_a_holiday_has_none()
    {
        var deadline = Deadline("@session_close+01:00", Nyse);

        Assert.Equal("2024-11-27T17:00", InNewYork(deadline.For(D("2024-11-27"))!.Value.InZone(NewYork)));
        Assert.Null(deadline.For(D("2024-11-28")));                                                  // Thanksgiving
        Assert.Equal("2024-11-29T14:00", InNewYork(deadline.For(D("2024-11-29"))!.Value.InZone(NewYork)));   // 13:00 early close
    }

    [Fact]
    public void A_deadline_before_the_open_is_elapsed_time_from_the_open_in_winter_and_summer()
    {
        var deadline = Deadline("@session_open-00:30", Nyse);

        Assert.Equal(I("2024-03-08T14:00:00Z"), deadline.For(D("2024-03-08")));   // 09:00 EST
        Assert.Equal(I("2024-03-11T13:00:00Z"), deadline.For(D("2024-03-11")));   // 09:00 EDT
    }

    [Fact]
    public void A_break_deadline_on_a_calendar_without_breaks_never_falls()
    {
        Assert.Null(Deadline("@break_start+00:10", Nyse).For(D("2024-03-08")));
    }

    [Fact]
    public void A_session_relative_deadline_without_a_calendar_is_refused_with_the_fix()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Deadline("@session_close"));
        Assert.Contains("Calendar", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pipeline_and_its_tasks_resolve_their_own_deadlines_in_the_pipeline_zone_and_calendar()
    {
        var task = new TaskDefinition { Index = 0, Id = "Load", Deadline = "@session_close+00:15" };
        var pipeline = new PipelineDefinition("eod", typeof(DeadlineScheduleTests), ImmutableArray.Create(task), (_, _) => default)
        {
            TimeZone = "America/New_York",
            Calendar = "XNYS",
            Deadline = "06:30",
        };

        Assert.Equal(I("2024-11-30T11:30:00Z"), DeadlineSchedule.For(pipeline)!.For(D("2024-11-29")));
        Assert.Equal("2024-11-29T13:15", InNewYork(DeadlineSchedule.For(pipeline, task)!.For(D("2024-11-29"))!.Value.InZone(NewYork)));
        Assert.Null(DeadlineSchedule.For(new PipelineDefinition("none", typeof(DeadlineScheduleTests), ImmutableArray.Create(task), (_, _) => default)));
    }
}
