using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Hangfire.Storage;
using NodaTime;
using Pipelines.Schedules;

namespace Pipelines.Hangfire;

/// <summary>
/// Where a pipeline scheduled on assets stands for one partition: each asset of its condition with the newest event that
/// has arrived (or none), whether the condition holds, whether those events would start a run, and the sentence that says
/// so ("Waiting for fundamentals.daily for 2024-11-27; prices.daily arrived 05:12."). The asset trigger starts runs by
/// <see cref="StartsRun"/>, and the command line's <c>why</c>, the JSON API and the dashboard print this same object, so
/// the rule is written once.
/// </summary>
/// <param name="PipelineId">The consumer pipeline.</param>
/// <param name="Condition">Its asset condition, as <c>prices.daily &amp; fundamentals.daily</c>.</param>
/// <param name="Partition">The partition judged: the logical date a run it starts gets.</param>
/// <param name="Met">Whether the events that have arrived for the partition satisfy the condition.</param>
/// <param name="Assets">Each asset of the condition, in the order the condition names them.</param>
/// <param name="Sentence">Why, for people; arrival times are in the pipeline's time zone.</param>
public sealed record AssetReadiness(string PipelineId, string Condition, LocalDate Partition, bool Met, IReadOnlyList<AssetArrival> Assets, string Sentence)
{
    /// <summary>The reason's name, as the other readiness reasons are named: <c>Assets (prices.daily &amp; fundamentals.daily)</c>.</summary>
    public string Name => $"Assets ({Condition})";

    /// <summary>Whether the arrived events start a run: the condition holds and at least one of them is newer than the ones the last run was started by.</summary>
    public bool StartsRun => Met && Assets.Any(a => a.IsNew);

    /// <summary>The explanation as a readiness reason, beside the others <c>why</c> prints.</summary>
    public TaskDependency ToDependency() => new(Name, Met, Sentence);

    /// <summary>Reads the pipeline's standing for <paramref name="partition"/> from storage: the newest event of each asset and the ones it last ran for.</summary>
    internal static AssetReadiness Read(IStorageConnection connection, PipelineDefinition pipeline, PipelineSchedule schedule, LocalDate partition)
    {
        var arrived = new Dictionary<string, AssetEvent>(StringComparer.Ordinal);
        foreach (var asset in schedule.AssetNames)
            if (AssetStore.Latest(connection, asset, partition) is { } id && AssetStore.Read(connection, id) is { } e) arrived[asset] = e;
        var consumed = AssetStore.Consumed(connection, pipeline.Id, partition, arrived.Keys);
        // The zone alone (not PipelineTimes, which reads the calendar too): the trigger judges with this, and must not fail on a sentence.
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(pipeline.TimeZone) ?? DateTimeZone.Utc;
        return Of(pipeline.Id, schedule, zone, partition, arrived, consumed);
    }

    /// <summary>
    /// Judges the condition on the events that have arrived (by asset) and the event ids the pipeline last ran for (by
    /// asset). Reads nothing: the same facts always give the same answer and sentence.
    /// </summary>
    internal static AssetReadiness Of(string pipelineId, PipelineSchedule schedule, DateTimeZone zone, LocalDate partition,
        IReadOnlyDictionary<string, AssetEvent> arrived, IReadOnlyDictionary<string, string> consumed)
    {
        var condition = schedule.AssetCondition ?? "";
        var assets = schedule.AssetNames
            .Select(a => arrived.TryGetValue(a, out var e)
                ? new AssetArrival(a, e, !consumed.TryGetValue(a, out var last) || last != e.Id)
                : new AssetArrival(a, null, false))
            .ToList();
        var day = PipelineStore.Format(partition);
        var arrivals = assets.Where(a => a.HasArrived).Select(a => $"{a.Asset} arrived {When(a.Latest!.At, zone, partition)}").ToList();
        var arrivedText = arrivals.Count == 0 ? "" : "; " + string.Join(", ", arrivals);

        if (!schedule.IsAssetScheduled)
            return new AssetReadiness(pipelineId, condition, partition, true, assets, $"Pipeline '{pipelineId}' is not scheduled on assets.");
        if (schedule.AssetsAwaited(arrived.ContainsKey) is { } awaited)
            return new AssetReadiness(pipelineId, condition, partition, false, assets, $"Waiting for {awaited} for {day}{arrivedText}.");
        var fresh = assets.Where(a => a.IsNew).Select(a => a.Asset).ToList();
        var sentence = fresh.Count == 0
            ? $"Met for {day}{arrivedText}; a run has started from these events, and a new event of {string.Join(" or ", schedule.AssetNames)} starts another."
            : $"Met for {day}{arrivedText}; the new events of {string.Join(", ", fresh)} start a run.";
        return new AssetReadiness(pipelineId, condition, partition, true, assets, sentence);
    }

    /// <summary>"05:12" on the partition's own day in the pipeline's zone, "2024-11-28 05:12" on another.</summary>
    private static string When(Instant at, DateTimeZone zone, LocalDate partition)
    {
        var local = at.InZone(zone).LocalDateTime;
        return local.ToString(local.Date == partition ? "HH:mm" : "uuuu-MM-dd HH:mm", CultureInfo.InvariantCulture);
    }
}
