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

    [Fact]
    public void A_zone_the_machine_lacks_is_an_error_that_names_the_zone_and_the_fix()
    {
        // A NodaTime zone with no operating-system counterpart.
        var zone = DateTimeZone.ForOffset(Offset.FromHoursAndMinutes(5, 30));
        var error = Assert.Throws<TimeZoneNotFoundException>(() => PipelineSchedule.Parse("0 4 * * *").NextAfter(Instant.FromUtc(2024, 1, 1, 0, 0), zone));
        Assert.StartsWith($"This machine's time zone database has no zone '{zone.Id}', which a pipeline schedule runs in", error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install tzdata", error.Message, StringComparison.Ordinal);
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

    [Theory]
    [InlineData("@session_close+00:30", SessionAnchor.Close, 30, "00:00", "@session_close+00:30")]
    [InlineData("@session_close", SessionAnchor.Close, 0, "00:00", "@session_close")]
    [InlineData("@session_open-01:00", SessionAnchor.Open, -60, "00:00", "@session_open-01:00")]
    [InlineData("@Session_Open - 01:15", SessionAnchor.Open, -75, "00:00", "@session_open-01:15")]
    [InlineData("@after_session 04:00", SessionAnchor.After, 0, "04:00", "@after_session 04:00")]
    [InlineData("@break_start", SessionAnchor.BreakStart, 0, "00:00", "@break_start")]
    [InlineData("@break_start-00:15", SessionAnchor.BreakStart, -15, "00:00", "@break_start-00:15")]
    [InlineData("@Break_End + 00:05", SessionAnchor.BreakEnd, 5, "00:00", "@break_end+00:05")]
    [InlineData("  @after_session   23:59 ", SessionAnchor.After, 0, "23:59", "@after_session 23:59")]
    public void Session_schedules_are_read_as_an_anchor_with_an_offset_or_a_time_of_day(string text, SessionAnchor anchor, int offsetMinutes, string timeOfDay, string normalized)
    {
        var schedule = PipelineSchedule.Parse(text);
        Assert.True(schedule.IsSessionRelative);
        Assert.False(schedule.IsOnce);
        Assert.False(schedule.IsManual);
        Assert.Null(schedule.Cron);
        Assert.Equal(anchor, schedule.Session!.Anchor);
        Assert.Equal(Duration.FromMinutes(offsetMinutes), schedule.Session.Offset);
        Assert.Equal(timeOfDay, schedule.Session.TimeOfDay.ToString("HH:mm", null));
        Assert.Equal(normalized, schedule.Session.ToString());
        // Occurrences need the calendar, which Pipelines.BuiltIns' SessionSchedule brings.
        Assert.Null(schedule.NextAfter(Instant.FromUtc(2024, 1, 1, 0, 0), NewYork));
    }

    [Theory]
    [InlineData("@session_close+0:30", "'+0:30' after @session_close is not an offset; write it as +hh:mm or -hh:mm, for example @session_close+00:30")]
    [InlineData("@session_close 00:30", "'00:30' after @session_close is not an offset; write it as +hh:mm or -hh:mm, for example @session_close+00:30")]
    [InlineData("@session_open+30m", "'+30m' after @session_open is not an offset; write it as +hh:mm or -hh:mm, for example @session_open+00:30")]
    [InlineData("@session_close+00:75", "the offset '+00:75' has 75 minutes; minutes go from 00 to 59")]
    [InlineData("@session_close+24:00", "the offset '+24:00' is a day or more; an offset must be less than 24:00")]
    [InlineData("@after_session", "@after_session needs a time of day, for example @after_session 04:00")]
    [InlineData("@after_session 4am", "'4am' after @after_session is not a time of day; write it as hh:mm from 00:00 to 23:59, for example @after_session 04:00")]
    [InlineData("@after_session 24:00", "'24:00' after @after_session is not a time of day; write it as hh:mm from 00:00 to 23:59, for example @after_session 04:00")]
    [InlineData("@break_end 00:30", "'00:30' after @break_end is not an offset; write it as +hh:mm or -hh:mm, for example @break_end+00:30")]
    [InlineData("@break_start+25:00", "the offset '+25:00' is a day or more; an offset must be less than 24:00")]
    [InlineData("@lunch", "'@lunch' is not a preset; use one of @hourly, @daily, @weekly, @monthly, @yearly, @once, or with a Calendar one of @session_open, @session_close, @break_start, @break_end (each with an optional offset such as +00:30), @after_session hh:mm")]
    [InlineData("@market_close", "'@market_close' is not a preset; use one of @hourly, @daily, @weekly, @monthly, @yearly, @once, or with a Calendar one of @session_open, @session_close, @break_start, @break_end (each with an optional offset such as +00:30), @after_session hh:mm")]
    public void Malformed_session_schedules_say_what_is_wrong(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => PipelineSchedule.Parse(text));
        Assert.Equal($"Invalid schedule '{text}': {reason}.", error.Message);
    }
}
