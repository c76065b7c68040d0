using System.Collections.Immutable;
using NodaTime;

namespace Pipelines.BuiltIns.Tests;

/// <summary>A pipeline's zone, schedule, calendar and timetable are resolved once per definition and shared by every reader.</summary>
public sealed class PipelineTimesTests
{
    private static PipelineDefinition Pipeline(string id, string? schedule, string? calendar = null) =>
        new(id, typeof(PipelineTimesTests), ImmutableArray.Create(new TaskDefinition { Index = 0, Id = "Load" }), (_, _) => default)
        {
            Schedule = schedule,
            TimeZone = "America/New_York",
            Calendar = calendar,
        };

    [Fact]
    public void A_pipeline_is_resolved_once_and_every_reader_gets_the_same_objects()
    {
        var pipeline = Pipeline("eod", "@session_close+00:30", "XNYS");

        var times = PipelineTimes.Of(pipeline);

        Assert.Same(times, PipelineTimes.Of(pipeline));
        Assert.Same(times.Timetable, PipelineTimetable.For(pipeline));
        Assert.Same(times.Sessions, SessionSchedule.For(pipeline));
        Assert.Same(ExchangeCalendar.Get("XNYS"), times.Calendar);
        Assert.Equal(DateTimeZoneProviders.Tzdb["America/New_York"], times.Zone);
        // 2024-11-29 closed early at 13:00 New York: the run fires at 13:30.
        var friday = times.Timetable!.NextAfter(Instant.FromUtc(2024, 11, 29, 0, 0))!.Value;
        Assert.Equal(Instant.FromUtc(2024, 11, 29, 18, 30), friday.At);
    }

    [Fact]
    public void A_pipeline_triggered_by_hand_has_no_timetable_and_a_cron_one_has_one_on_its_calendar()
    {
        Assert.Null(PipelineTimes.Of(Pipeline("manual", null)).Timetable);
        var nightly = PipelineTimes.Of(Pipeline("nightly", "0 4 * * *", "XNYS"));
        Assert.NotNull(nightly.Schedule.Cron);
        Assert.NotNull(nightly.Timetable);
        Assert.Null(nightly.Sessions);
    }

    [Fact]
    public void A_session_schedule_without_a_calendar_says_what_is_missing_and_nothing_is_kept()
    {
        var pipeline = Pipeline("no_calendar", "@session_open");

        var error = Assert.Throws<InvalidOperationException>(() => PipelineTimes.Of(pipeline));

        Assert.Contains("no Calendar", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => PipelineTimetable.For(pipeline));
    }
}
