using NodaTime;
using Pipelines.Schedules;

namespace Pipelines.Tests;

public sealed class PipelineScheduleTests
{
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];

    [Fact]
    public void No_schedule_means_triggered_by_hand_only()
    {
        var schedule = PipelineSchedule.Parse(null);
        Assert.True(schedule.IsManual);
        Assert.Null(schedule.NextAfter(Instant.FromUtc(2024, 1, 1, 0, 0), NewYork));
    }

    [Fact]
    public void Once_is_a_preset_with_no_recurrence()
    {
        var schedule = PipelineSchedule.Parse("@once");
        Assert.True(schedule.IsOnce);
        Assert.False(schedule.IsManual);
        Assert.Null(schedule.Cron);
    }

    [Theory]
    [InlineData("@hourly", "2024-03-08T15:00:00Z")]
    [InlineData("@daily", "2024-03-09T05:00:00Z")]
    [InlineData("@weekly", "2024-03-10T05:00:00Z")]
    [InlineData("@monthly", "2024-04-01T04:00:00Z")]
    [InlineData("@yearly", "2025-01-01T05:00:00Z")]
    [InlineData("0 4 * * 1-5", "2024-03-11T08:00:00Z")]
    [InlineData("30 0 4 * * 1-5", "2024-03-11T08:00:30Z")]
    public void Presets_and_cron_expressions_are_read_in_the_pipeline_time_zone(string text, string expected)
    {
        // Friday 2024-03-08 09:30 in New York (EST, UTC-5); DST starts on Sunday 2024-03-10.
        var after = Instant.FromUtc(2024, 3, 8, 14, 30);
        Assert.Equal(NodaTime.Text.InstantPattern.General.Parse(expected).Value, PipelineSchedule.Parse(text).NextAfter(after, NewYork));
    }

    [Fact]
    public void A_daily_04_00_schedule_stays_at_04_00_local_across_both_daylight_saving_changes()
    {
        var schedule = PipelineSchedule.Parse("0 4 * * *");
        Instant? at = Instant.FromUtc(2024, 3, 9, 0, 0);
        var spring = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            at = schedule.NextAfter(at!.Value, NewYork);
            spring.Add(at!.Value.InZone(NewYork).ToString("yyyy-MM-dd HH:mm o<g>", null));
        }
        Assert.Equal(new[] { "2024-03-09 04:00 -05", "2024-03-10 04:00 -04", "2024-03-11 04:00 -04" }, spring);

        at = Instant.FromUtc(2024, 11, 2, 0, 0);
        var autumn = new List<Instant>();
        for (var i = 0; i < 3; i++) autumn.Add((at = schedule.NextAfter(at!.Value, NewYork))!.Value);
        Assert.Equal(new[] { Instant.FromUtc(2024, 11, 2, 8, 0), Instant.FromUtc(2024, 11, 3, 9, 0), Instant.FromUtc(2024, 11, 4, 9, 0) }, autumn);
    }

    [Theory]
    [InlineData("", "the schedule is empty")]
    [InlineData("@sometimes", "'@sometimes' is not a preset")]
    [InlineData("0 4 * *", "but this one has 4")]
    [InlineData("0 25 * * *", "Hours")]
    public void Invalid_schedules_say_what_is_wrong(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => PipelineSchedule.Parse(text));
        Assert.StartsWith($"Invalid schedule '{text}': ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
