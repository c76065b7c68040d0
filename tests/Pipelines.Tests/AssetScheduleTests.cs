using NodaTime;
using Pipelines.Schedules;

namespace Pipelines.Tests;

/// <summary><c>@assets(...)</c> schedules as the runtime reads them, with the parser the analyzer uses.</summary>
public sealed class AssetScheduleTests
{
    private static bool Met(string schedule, params string[] arrived) => PipelineSchedule.Parse(schedule).AssetsMet(arrived.Contains);

    [Fact]
    public void An_assets_only_schedule_has_no_time_part_and_is_neither_manual_nor_once()
    {
        var schedule = PipelineSchedule.Parse("@assets(prices.daily & fundamentals.daily)");
        Assert.True(schedule.IsAssetScheduled);
        Assert.False(schedule.IsOnce);
        Assert.False(schedule.IsManual);
        Assert.Null(schedule.Cron);
        Assert.Null(schedule.TimeText);
        Assert.Equal(["prices.daily", "fundamentals.daily"], schedule.AssetNames);
        Assert.Equal("prices.daily & fundamentals.daily", schedule.AssetCondition);
    }

    [Fact]
    public void An_asset_or_time_schedule_keeps_its_cron_part()
    {
        var schedule = PipelineSchedule.Parse("@assets(prices.daily) | 0 6 * * 1-5");
        Assert.Equal("0 6 * * 1-5", schedule.TimeText);
        Assert.NotNull(schedule.Cron);
        var next = schedule.NextAfter(Instant.FromUtc(2024, 11, 29, 12, 0), DateTimeZoneProviders.Tzdb["America/New_York"]);
        Assert.Equal(Instant.FromUtc(2024, 12, 2, 11, 0), next); // Monday 06:00 in New York
    }

    [Theory]
    [InlineData("@assets(a & b)", new[] { "a" }, false)]
    [InlineData("@assets(a & b)", new[] { "a", "b" }, true)]
    [InlineData("@assets(a | b)", new[] { "b" }, true)]
    [InlineData("@assets(a | b & c)", new[] { "a" }, true)]           // & binds tighter, as in C#
    [InlineData("@assets((a | b) & c)", new[] { "a" }, false)]
    [InlineData("@assets((a | b) & c)", new[] { "b", "c" }, true)]
    [InlineData("@assets(a)", new string[0], false)]
    public void Conditions_combine_with_all_any_and_parentheses(string schedule, string[] arrived, bool met) =>
        Assert.Equal(met, Met(schedule, arrived));

    [Fact]
    public void A_schedule_not_on_assets_is_never_met_by_assets()
    {
        var schedule = PipelineSchedule.Parse("0 6 * * 1-5");
        Assert.False(schedule.IsAssetScheduled);
        Assert.Empty(schedule.AssetNames);
        Assert.False(schedule.AssetsMet(_ => true));
        Assert.Equal("0 6 * * 1-5", schedule.TimeText);
    }

    [Fact]
    public void A_malformed_condition_says_why_as_the_analyzer_does()
    {
        var error = Assert.Throws<FormatException>(() => PipelineSchedule.Parse("@assets(prices.daily | )"));
        Assert.Equal("Invalid schedule '@assets(prices.daily | )': expected an asset name but the condition ends after 'prices.daily |'.", error.Message);
    }
}
