using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Hangfire.Storage;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// Where asset events live, in Hangfire's storage beside the runs: each event's hash, each asset's events by time, the
/// newest event per asset and partition, and per consumer pipeline the events it has already run for ("consumed up to").
/// The record field names are private to this type.
/// </summary>
internal static class AssetStore
{
    private const string Prefix = "pipelines:asset";
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web);

    /// <summary>Every asset that has had an event.</summary>
    public const string AssetsKey = Prefix + "s";

    /// <summary>Events whose consumers have not been judged yet (<c>asset|partition|event</c>): written with the event, removed once judged, so the reconciler judges what a crash left.</summary>
    public const string UnjudgedKey = Prefix + ":unjudged";

    private static string EventKey(string eventId) => $"{Prefix}:event:{eventId}";

    private static string EventsKey(string asset) => $"{Prefix}:events:{asset}";

    private static string LatestKey(string asset) => $"{Prefix}:latest:{asset}";

    private static string ConsumedKey(string consumer) => $"{Prefix}:consumed:{consumer}";

    private static string TriggeredKey(string pipelineId, string runId) => $"{Prefix}:triggered:{pipelineId}:{runId}";

    /// <summary>The lock a consumer pipeline's asset condition is judged under, so concurrent events start one run.</summary>
    public static string ConsumerLock(string consumer) => $"pipelines:lock:assets:{consumer}";

    private static string ConsumedField(LocalDate partition, string asset) => PipelineStore.Format(partition) + "|" + asset;

    /// <summary>Writes an event and makes it the newest of its asset and partition, in the caller's transaction.</summary>
    public static void Write(IWriteOnlyTransaction transaction, AssetEvent e)
    {
        var fields = new Dictionary<string, string>
        {
            ["asset"] = e.Asset,
            ["partition"] = PipelineStore.Format(e.Partition),
            ["at"] = PipelineStore.Format(e.At),
            ["extra"] = JsonSerializer.Serialize(e.Extra, s_json),
        };
        if (e.PipelineId is not null) fields["pipeline"] = e.PipelineId;
        if (e.RunId is not null) fields["run"] = e.RunId;
        if (e.TaskId is not null) fields["task"] = e.TaskId;
        transaction.SetRangeInHash(EventKey(e.Id), fields);
        transaction.AddToSet(EventsKey(e.Asset), e.Id, e.At.ToUnixTimeTicks());
        transaction.SetRangeInHash(LatestKey(e.Asset), [new(PipelineStore.Format(e.Partition), e.Id)]);
        transaction.AddToSet(AssetsKey, e.Asset);
        transaction.AddToSet(UnjudgedKey, UnjudgedMember(e));
    }

    public static string UnjudgedMember(AssetEvent e) => $"{e.Asset}|{PipelineStore.Format(e.Partition)}|{e.Id}";

    /// <summary>The events left unjudged, as (asset, partition, member); asset names hold no '|'.</summary>
    public static IReadOnlyList<(string Asset, LocalDate Partition, string Member)> Unjudged(IStorageConnection connection) =>
        connection.GetAllItemsFromSet(UnjudgedKey)
            .Select(m => (Member: m, Parts: m.Split('|')))
            .Where(x => x.Parts.Length == 3 && NodaTime.Text.LocalDatePattern.Iso.Parse(x.Parts[1]).Success)
            .Select(x => (x.Parts[0], PipelineStore.ParseDate(x.Parts[1]), x.Member))
            .ToList();

    public static AssetEvent? Read(IStorageConnection connection, string eventId) => Parse(eventId, connection.GetAllEntriesFromHash(EventKey(eventId)));

    private static AssetEvent? Parse(string eventId, IReadOnlyDictionary<string, string>? fields)
    {
        if (fields is null || !fields.TryGetValue("asset", out var asset)) return null;
        return new AssetEvent(eventId, asset, PipelineStore.ParseDate(fields["partition"]), PipelineStore.ParseInstant(fields["at"])!.Value,
            JsonSerializer.Deserialize<Dictionary<string, string>>(fields.GetValueOrDefault("extra") ?? "{}", s_json) ?? new())
        {
            PipelineId = fields.GetValueOrDefault("pipeline"),
            RunId = fields.GetValueOrDefault("run"),
            TaskId = fields.GetValueOrDefault("task"),
        };
    }

    /// <summary>The newest event id of each partition of an asset.</summary>
    public static Dictionary<string, string> LatestByPartition(IStorageConnection connection, string asset) =>
        connection.GetAllEntriesFromHash(LatestKey(asset)) ?? new Dictionary<string, string>();

    /// <summary>The newest event id of an asset for a partition, or null when none has arrived.</summary>
    public static string? Latest(IStorageConnection connection, string asset, LocalDate partition) =>
        LatestByPartition(connection, asset).GetValueOrDefault(PipelineStore.Format(partition));

    /// <summary>The newest <paramref name="count"/> events of an asset, newest first.</summary>
    public static IReadOnlyList<AssetEvent> Events(IStorageConnection connection, string asset, int count)
    {
        // Sorted by the event's time, lowest first; the newest are at the end.
        var total = connection is JobStorageConnection storage ? (int)storage.GetSetCount(EventsKey(asset)) : 0;
        var ids = PipelineStore.OldestFirst(connection, EventsKey(asset), total);
        return ids.AsEnumerable().Reverse().Take(count).Select(id => Read(connection, id)).Where(e => e is not null).Select(e => e!).ToList();
    }

    /// <summary>The event id of each asset a consumer last ran for in a partition.</summary>
    public static Dictionary<string, string> Consumed(IStorageConnection connection, string consumer, LocalDate partition, IEnumerable<string> assets)
    {
        var all = connection.GetAllEntriesFromHash(ConsumedKey(consumer)) ?? new Dictionary<string, string>();
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var asset in assets)
            if (all.TryGetValue(ConsumedField(partition, asset), out var id)) result[asset] = id;
        return result;
    }

    /// <summary>Moves a consumer's mark to the events its run was started by, and records them with the run.</summary>
    public static void MarkConsumed(IWriteOnlyTransaction transaction, string consumer, string runId, LocalDate partition, IReadOnlyDictionary<string, string> events)
    {
        transaction.SetRangeInHash(ConsumedKey(consumer), events.Select(e => new KeyValuePair<string, string>(ConsumedField(partition, e.Key), e.Value)));
        transaction.SetRangeInHash(TriggeredKey(consumer, runId), events);
    }

    /// <summary>The events that started an asset-triggered run, by asset; empty for other runs.</summary>
    public static IReadOnlyList<AssetEvent> TriggeredBy(IStorageConnection connection, string pipelineId, string runId)
    {
        var ids = connection.GetAllEntriesFromHash(TriggeredKey(pipelineId, runId));
        return ids is null ? [] : ByAsset(ids, eventId => Read(connection, eventId));
    }

    /// <summary>A run's triggering events (asset → event id) in asset order, each read by <paramref name="read"/>; one that is gone is left out.</summary>
    private static List<AssetEvent> ByAsset(IReadOnlyDictionary<string, string> ids, Func<string, AssetEvent?> read) =>
        ids.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => read(p.Value)).Where(e => e is not null).Select(e => e!).ToList();

    /// <summary>
    /// <see cref="TriggeredBy(IStorageConnection, string, string)"/> for several runs, in two reads of many hashes
    /// (the runs' event ids, then the events), by run id.
    /// </summary>
    public static Dictionary<string, IReadOnlyList<AssetEvent>> TriggeredBy(IPipelineHashReadStorage storage, string pipelineId, IReadOnlyCollection<string> runIds)
    {
        var result = new Dictionary<string, IReadOnlyList<AssetEvent>>(StringComparer.Ordinal);
        if (runIds.Count == 0) return result;
        var triggered = storage.ReadHashes(runIds.Select(id => TriggeredKey(pipelineId, id)).ToList());
        var eventIds = triggered.Values.SelectMany(ids => ids.Values).Distinct(StringComparer.Ordinal).ToList();
        var events = storage.ReadHashes(eventIds.Select(EventKey).ToList());
        foreach (var runId in runIds)
        {
            result[runId] = triggered.TryGetValue(TriggeredKey(pipelineId, runId), out var ids)
                ? ByAsset(ids, eventId => Parse(eventId, events.GetValueOrDefault(EventKey(eventId))))
                : [];
        }
        return result;
    }

    /// <summary>Every asset that has had an event.</summary>
    public static IReadOnlyCollection<string> Assets(IStorageConnection connection) => connection.GetAllItemsFromSet(AssetsKey);
}
