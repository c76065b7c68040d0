using NodaTime;
using Pipelines.Schedules;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// The explanation of an asset-scheduled pipeline, judged on given events: what it still waits for (the rest of its
/// condition), when the others arrived in its time zone, and whether the events start a run.
/// </summary>
public sealed class AssetReadinessTests
{
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];
    private static readonly LocalDate Session = new(2024, 11, 27);

    private static AssetEvent Event(string id, string asset, Instant at) =>
        new(id, asset, Session, at, new Dictionary<string, string>()) { PipelineId = "prices", RunId = "scheduled__2024-11-27", TaskId = "LoadPrices" };

    private static AssetReadiness Judge(string schedule, Dictionary<string, string>? consumed = null, params AssetEvent[] arrived) =>
        AssetReadiness.Of("risk", PipelineSchedule.Parse(schedule), NewYork, Session, arrived.ToDictionary(e => e.Asset), consumed ?? new Dictionary<string, string>());

    [Fact]
    public void A_partly_satisfied_and_condition_names_what_it_waits_for_and_when_the_rest_arrived_in_the_pipelines_zone()
    {
        // 10:12 UTC is 05:12 in New York on the session's own day, so the time alone is enough.
        var readiness = Judge("@assets(prices.daily & fundamentals.daily)", null, Event("e1", "prices.daily", Instant.FromUtc(2024, 11, 27, 10, 12)));

        Assert.False(readiness.Met);
        Assert.False(readiness.StartsRun);
        Assert.Equal("Assets (prices.daily & fundamentals.daily)", readiness.Name);
        Assert.Equal("Waiting for fundamentals.daily for 2024-11-27; prices.daily arrived 05:12.", readiness.Sentence);
        Assert.Equal([("prices.daily", true, true), ("fundamentals.daily", false, false)], readiness.Assets.Select(a => (a.Asset, a.HasArrived, a.IsNew)));
        Assert.Equal(new TaskDependency("Assets (prices.daily & fundamentals.daily)", false, readiness.Sentence), readiness.ToDependency());
    }

    [Fact]
    public void An_arrival_on_another_day_than_the_partition_carries_its_date()
    {
        var readiness = Judge("@assets(prices.daily & fundamentals.daily)", null, Event("e1", "fundamentals.daily", Instant.FromUtc(2024, 11, 28, 9, 30)));
        Assert.Equal("Waiting for prices.daily for 2024-11-27; fundamentals.daily arrived 2024-11-28 04:30.", readiness.Sentence);
    }

    [Fact]
    public void Only_the_rest_of_a_mixed_condition_is_awaited_and_nothing_arrived_awaits_all_of_it()
    {
        var partly = Judge("@assets((prices.daily | prices.intraday) & fundamentals.daily)", null, Event("e1", "fundamentals.daily", Instant.FromUtc(2024, 11, 27, 23, 0)));
        Assert.Equal("Waiting for prices.daily or prices.intraday for 2024-11-27; fundamentals.daily arrived 18:00.", partly.Sentence);

        var none = Judge("@assets((prices.daily | prices.intraday) & fundamentals.daily) | 0 6 * * 1-5");
        Assert.Equal("Waiting for (prices.daily or prices.intraday) and fundamentals.daily for 2024-11-27.", none.Sentence);
    }

    [Fact]
    public void A_met_condition_starts_a_run_only_for_events_newer_than_the_last_runs()
    {
        var prices = Event("e1", "prices.daily", Instant.FromUtc(2024, 11, 27, 10, 12));
        var fundamentals = Event("e2", "fundamentals.daily", Instant.FromUtc(2024, 11, 27, 11, 0));

        var fresh = Judge("@assets(prices.daily & fundamentals.daily)", new() { ["prices.daily"] = "e1" }, prices, fundamentals);
        Assert.True(fresh.StartsRun);
        Assert.Equal("Met for 2024-11-27; prices.daily arrived 05:12, fundamentals.daily arrived 06:00; the new events of fundamentals.daily start a run.", fresh.Sentence);

        var used = Judge("@assets(prices.daily & fundamentals.daily)", new() { ["prices.daily"] = "e1", ["fundamentals.daily"] = "e2" }, prices, fundamentals);
        Assert.True(used.Met);
        Assert.False(used.StartsRun);
        Assert.Equal("Met for 2024-11-27; prices.daily arrived 05:12, fundamentals.daily arrived 06:00; a run has started from these events, and a new event of prices.daily or fundamentals.daily starts another.", used.Sentence);
    }
}
