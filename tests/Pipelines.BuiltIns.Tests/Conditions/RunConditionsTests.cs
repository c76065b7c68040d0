using NodaTime.Testing;
using static Pipelines.BuiltIns.Tests.Dates;

namespace Pipelines.BuiltIns.Tests;

/// <summary>Latest-only: a run is the latest until its schedule's next occurrence has come.</summary>
public sealed class RunConditionsTests
{
    [Fact]
    public void For_a_daily_pipeline_yesterdays_interval_is_the_latest_and_one_a_week_old_is_not()
    {
        var id = Runs.UniqueId("daily");
        PipelineCatalog.Register([Runs.Pipeline(id, "0 0 * * *")]);
        var clock = new FakeClock(I("2024-03-12T10:00:00Z"));

        var yesterday = Runs.Covering(id, I("2024-03-11T00:00:00Z"), I("2024-03-12T00:00:00Z"));
        var weekOld = Runs.Covering(id, I("2024-03-04T00:00:00Z"), I("2024-03-05T00:00:00Z"));

        Assert.True(RunConditions.IsLatestRun(yesterday, clock));
        Assert.False(RunConditions.IsLatestRun(weekOld, clock));
    }

    [Fact]
    public void A_run_stops_being_the_latest_exactly_when_the_next_occurrence_comes()
    {
        var pipeline = Runs.Pipeline("hourly", "0 * * * *");
        var run = Runs.Covering(pipeline.Id, I("2024-03-11T09:00:00Z"), I("2024-03-11T10:00:00Z"));
        var clock = new FakeClock(I("2024-03-11T10:59:59Z"));

        Assert.True(RunConditions.IsLatestRun(run, pipeline, clock));

        clock.Advance(Duration.FromSeconds(1));
        Assert.False(RunConditions.IsLatestRun(run, pipeline, clock));
    }

    [Fact]
    public void The_next_occurrence_is_read_in_the_pipelines_time_zone()
    {
        // 04:00 New York is 09:00Z on Saturday 2024-03-09 (EST) and 08:00Z on Sunday 2024-03-10 (EDT).
        var pipeline = Runs.Pipeline("four_am", "0 4 * * *", "America/New_York");
        var saturday = Runs.Covering(pipeline.Id, I("2024-03-08T09:00:00Z"), I("2024-03-09T09:00:00Z"));

        Assert.True(RunConditions.IsLatestRun(saturday, pipeline, new FakeClock(I("2024-03-10T07:59:59Z"))));
        Assert.False(RunConditions.IsLatestRun(saturday, pipeline, new FakeClock(I("2024-03-10T08:00:00Z"))));
    }

    [Fact]
    public void On_a_calendar_pipeline_a_holiday_occurrence_does_not_count_as_a_newer_run()
    {
        // The lunch bot's schedule: 08:30 New York on weekdays, NYSE sessions only. Thanksgiving 2024-11-28 has no run,
        // so the Wednesday run stays the latest until the Friday run is due at 08:30 EST (13:30Z).
        var pipeline = Runs.Pipeline("lunch", "30 8 * * 1-5", "America/New_York", "XNYS");
        var wednesday = Runs.Covering(pipeline.Id, I("2024-11-26T13:30:00Z"), I("2024-11-27T13:30:00Z"));

        Assert.True(RunConditions.IsLatestRun(wednesday, pipeline, new FakeClock(I("2024-11-28T17:00:00Z"))));
        Assert.True(RunConditions.IsLatestRun(wednesday, pipeline, new FakeClock(I("2024-11-29T13:29:59Z"))));
        Assert.False(RunConditions.IsLatestRun(wednesday, pipeline, new FakeClock(I("2024-11-29T13:30:00Z"))));
        Assert.Equal(I("2024-11-29T13:30:00Z"), RunConditions.NextScheduledAfter(pipeline, I("2024-11-27T13:30:00Z")));
    }

    [Fact]
    public void A_manually_triggered_run_for_today_is_the_latest_and_one_for_last_week_is_not()
    {
        // A manual trigger covers the logical date from midnight to midnight in the pipeline's zone.
        var pipeline = Runs.Pipeline("lunch", "30 8 * * 1-5", "America/New_York", "XNYS");
        var now = new FakeClock(I("2024-11-27T15:00:00Z")); // Wednesday 10:00 EST
        RunContext Manual(string date) => Runs.Covering(pipeline.Id,
            D(date).AtStartOfDayInZone(NewYork).ToInstant(), D(date).PlusDays(1).AtStartOfDayInZone(NewYork).ToInstant());

        Assert.True(RunConditions.IsLatestRun(Manual("2024-11-27"), pipeline, now));
        Assert.False(RunConditions.IsLatestRun(Manual("2024-11-20"), pipeline, now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("@once")]
    public void Every_run_of_a_pipeline_without_a_recurring_schedule_is_the_latest(string? schedule)
    {
        var id = Runs.UniqueId("manual");
        PipelineCatalog.Register([Runs.Pipeline(id, schedule)]);
        var yearOld = Runs.Covering(id, I("2023-03-11T00:00:00Z"), I("2023-03-12T00:00:00Z"));

        Assert.True(RunConditions.IsLatestRun(yearOld, new FakeClock(I("2024-03-12T10:00:00Z"))));
    }

    [Fact]
    public void Why_a_run_is_not_the_latest_is_logged_with_the_task()
    {
        var logger = new RecordingLogger();
        var pipeline = Runs.Pipeline("daily", "0 0 * * *");
        var weekOld = Runs.Covering(pipeline.Id, I("2024-03-04T00:00:00Z"), I("2024-03-05T00:00:00Z"), logger);

        RunConditions.IsLatestRun(weekOld, pipeline, new FakeClock(I("2024-03-12T10:00:00Z")));

        Assert.Equal(["Run run-1 is not the latest: its data interval ended at 2024-03-05T00:00:00Z and the next scheduled run was due at 2024-03-06T00:00:00Z."], logger.Messages);
    }

    [Fact]
    public void A_run_of_an_unknown_pipeline_is_a_clear_error()
    {
        var run = Runs.Covering(Runs.UniqueId("missing"), I("2024-03-11T00:00:00Z"), I("2024-03-12T00:00:00Z"));

        Assert.Throws<KeyNotFoundException>(() => RunConditions.IsLatestRun(run, new FakeClock(I("2024-03-12T10:00:00Z"))));
    }
}
