using System;
using System.Collections.Generic;
using System.Linq;
using NodaTime;
using Pipelines.Schedules;

namespace Pipelines.Hangfire;

/// <summary>Asset events: posting one from outside, and reading them back.</summary>
public sealed partial class PipelineOperations
{
    private readonly AssetTriggers _assets;

    /// <summary>
    /// Records an event of an asset produced outside the application's pipelines (declared with
    /// <c>[assembly: ExternalAsset]</c>) for <paramref name="partition"/>, and starts the pipelines scheduled on it whose
    /// condition now holds for that partition. Returns the event and the runs it started.
    /// </summary>
    /// <exception cref="ArgumentException">The name is not an asset name.</exception>
    public PostedAssetEvent PostAssetEvent(string asset, LocalDate partition, IReadOnlyDictionary<string, string>? extra = null)
    {
        CheckAssetName(asset);
        var now = _options.Clock.GetCurrentInstant();
        var posted = new AssetEvent(AssetEventId.New(now), asset, partition, now, extra ?? new Dictionary<string, string>());
        using (var connection = _storage.GetConnection())
        using (var transaction = connection.CreateWriteTransaction())
        {
            AssetStore.Write(transaction, posted);
            transaction.Commit();
        }
        var started = _assets.Judge([posted]).Select(r => new AssetTriggeredRun(r.PipelineId, r.RunId)).ToList();
        return new PostedAssetEvent(posted, started);
    }

    /// <summary>The newest events of an asset, newest first.</summary>
    public IReadOnlyList<AssetEvent> AssetEvents(string asset, int count = 25)
    {
        using var connection = _storage.GetConnection();
        return AssetStore.Events(connection, asset, count);
    }

    /// <summary>The asset events that started a run (one per asset of its condition that had arrived); empty for runs not started by assets.</summary>
    public IReadOnlyList<AssetEvent> TriggeringEvents(string pipelineId, string runId)
    {
        using var connection = _storage.GetConnection();
        return AssetStore.TriggeredBy(connection, pipelineId, runId);
    }

    /// <summary>
    /// Why an asset-scheduled pipeline has or has not started for a partition: each asset of its condition with the newest
    /// event that arrived, and the sentence (<c>Waiting for fundamentals.daily for 2024-11-27; prices.daily arrived 05:12.</c>).
    /// Without a partition, the one the last event of its assets arrived for, so a load just finished is what is explained
    /// (today in the pipeline's time zone when no event has arrived).
    /// The asset trigger starts runs by the same judgement.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No pipeline has the id.</exception>
    public AssetReadiness ExplainAssets(string pipelineId, LocalDate? partition = null)
    {
        var pipeline = _registry.Get(pipelineId);
        var day = partition ?? _assets.LastArrivedPartition(pipeline)
            ?? _options.Clock.GetCurrentInstant().InZone(Pipelines.Calendars.PipelineTimes.Of(pipeline).Zone).Date;
        return _assets.Explain(pipeline, day);
    }

    /// <summary>The partitions any asset of the pipeline's condition has events for, newest first; empty for a pipeline not on assets.</summary>
    public IReadOnlyList<LocalDate> AssetPartitions(string pipelineId, int count = 10) => _assets.Partitions(_registry.Get(pipelineId), count);

    /// <summary>
    /// Every asset the pipelines produce or consume, and those only posted from outside that have events, with who
    /// produces and who consumes each (the lineage across pipelines), by name.
    /// </summary>
    public IReadOnlyList<AssetLineage> ListAssets()
    {
        var declared = AssetLineage.Of(_registry.All);
        using var connection = _storage.GetConnection();
        var known = declared.Select(a => a.Asset).ToHashSet(StringComparer.Ordinal);
        return declared
            .Concat(AssetStore.Assets(connection).Where(a => !known.Contains(a)).Select(a => new AssetLineage(a, [], [])))
            .OrderBy(a => a.Asset, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The newest event of each partition of an asset, newest partition first, at most <paramref name="count"/>.</summary>
    public IReadOnlyList<AssetEvent> LatestAssetEventsByPartition(string asset, int count = 30)
    {
        using var connection = _storage.GetConnection();
        return AssetStore.LatestByPartition(connection, asset)
            .OrderByDescending(p => p.Key, StringComparer.Ordinal)
            .Select(p => AssetStore.Read(connection, p.Value))
            .Where(e => e is not null)
            .Take(count)
            .Select(e => e!)
            .ToList();
    }

    /// <summary>The pipelines scheduled on an asset, in id order.</summary>
    public IReadOnlyList<string> AssetConsumers(string asset) => _assets.ConsumersOf(asset).Select(p => p.Id).ToList();

    // The same parser the schedules use: a name is valid when @assets(name) reads as exactly that name.
    private static void CheckAssetName(string asset)
    {
        try
        {
            if (!string.IsNullOrWhiteSpace(asset) && PipelineSchedule.Parse($"@assets({asset})").AssetNames is [var only] && only == asset) return;
        }
        catch (FormatException)
        {
        }
        throw new ArgumentException($"'{asset}' is not an asset name: asset names start with a letter or a digit and hold only letters, digits, '.', '_', '-', ':' and '/', as in prices.daily.", nameof(asset));
    }
}
