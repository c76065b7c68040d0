using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using Hangfire;
using Microsoft.Extensions.Logging;
using NodaTime;
using Pipelines.Schedules;

namespace Pipelines.Hangfire;

/// <summary>
/// Starts pipelines scheduled on assets. After an asset event is committed, each pipeline whose <c>@assets(...)</c>
/// condition reads the asset is judged for the event's partition under that pipeline's asset lock: when the newest event
/// of each asset that has arrived for the partition satisfies the condition and at least one of them is newer than the
/// events the pipeline last ran for there, one run is created with the partition as its logical date, and the pipeline's
/// "consumed up to" mark moves to those events. Two events committed at the same moment on two servers are judged one
/// after the other under the lock, and the second judge sees the first's mark, so a combination of events starts one run.
/// </summary>
/// <remarks>
/// The run's id is derived from the events that start it, and creating a run is idempotent on its id, so a judge that
/// fails after creating the run and before moving the mark creates nothing new when it is judged again.
/// </remarks>
internal sealed class AssetTriggers
{
    private readonly JobStorage _storage;
    private readonly PipelineRegistry _registry;
    private readonly PipelinesOptions _options;
    private readonly Func<PipelineDefinition, LocalDate, string, string> _createRun;
    private readonly Lazy<Dictionary<string, List<(PipelineDefinition Pipeline, PipelineSchedule Schedule)>>> _consumers;

    public AssetTriggers(JobStorage storage, PipelineRegistry registry, PipelinesOptions options, Func<PipelineDefinition, LocalDate, string, string> createRun)
    {
        _storage = storage;
        _registry = registry;
        _options = options;
        _createRun = createRun;
        _consumers = new(() => ReadConsumers(registry));
    }

    /// <summary>The pipelines scheduled on <paramref name="asset"/>, in id order.</summary>
    public IReadOnlyList<PipelineDefinition> ConsumersOf(string asset) =>
        _consumers.Value.TryGetValue(asset, out var list) ? list.Select(c => c.Pipeline).ToList() : [];

    /// <summary>Judges every consumer of the events' assets for the events' partitions; returns the runs created.</summary>
    public IReadOnlyList<(string PipelineId, string RunId)> Judge(IEnumerable<AssetEvent> events)
    {
        var list = events.ToList();
        var created = Judge(list.Select(e => (e.Asset, e.Partition)));
        // Every consumer was judged: the events no longer need the reconciler (a failure above leaves them for it).
        using var connection = _storage.GetConnection();
        using var transaction = connection.CreateWriteTransaction();
        foreach (var e in list) transaction.RemoveFromSet(AssetStore.UnjudgedKey, AssetStore.UnjudgedMember(e));
        transaction.Commit();
        return created;
    }

    /// <summary>
    /// The reconciler's repair: judges the consumers of events a crash (or a busy lock) left unjudged after their commit.
    /// Judging again is harmless: a combination that already started a run starts nothing new.
    /// </summary>
    public int JudgeUnjudged()
    {
        IReadOnlyList<(string Asset, LocalDate Partition, string Member)> pending;
        using (var connection = _storage.GetConnection()) pending = AssetStore.Unjudged(connection);
        if (pending.Count == 0) return 0;
        Judge(pending.Select(p => (p.Asset, p.Partition)));
        using (var connection = _storage.GetConnection())
        using (var transaction = connection.CreateWriteTransaction())
        {
            foreach (var p in pending) transaction.RemoveFromSet(AssetStore.UnjudgedKey, p.Member);
            transaction.Commit();
        }
        return pending.Count;
    }

    private List<(string, string)> Judge(IEnumerable<(string Asset, LocalDate Partition)> events)
    {
        var created = new List<(string, string)>();
        var seen = new HashSet<(string, LocalDate)>();
        foreach (var (asset, partition) in events)
        {
            if (!_consumers.Value.TryGetValue(asset, out var consumers)) continue;
            foreach (var (pipeline, schedule) in consumers)
            {
                if (!seen.Add((pipeline.Id, partition))) continue;
                if (Judge(pipeline, schedule, partition) is { } runId) created.Add((pipeline.Id, runId));
            }
        }
        return created;
    }

    /// <summary>Judges one consumer for one partition under its asset lock; returns the run it started, if any.</summary>
    public string? Judge(PipelineDefinition pipeline, PipelineSchedule schedule, LocalDate partition)
    {
        using var connection = _storage.GetConnection();
        using var _ = StorageLocks.Acquire(_storage, connection, AssetStore.ConsumerLock(pipeline.Id), _options.LockTimeout);

        var readiness = AssetReadiness.Read(connection, pipeline, schedule, partition);
        if (!readiness.StartsRun) return null;

        var arrived = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var a in readiness.Assets)
            if (a.Latest is { } e) arrived[a.Asset] = e.Id;
        var runId = RunId.Asset(partition, Key(arrived)).Value;
        _createRun(pipeline, partition, runId);
        using var transaction = connection.CreateWriteTransaction();
        AssetStore.MarkConsumed(transaction, pipeline.Id, runId, partition, arrived);
        transaction.Commit();
        return runId;
    }

    /// <summary>Where the pipeline's asset condition stands for <paramref name="partition"/>: the same judgement <see cref="Judge(PipelineDefinition, PipelineSchedule, LocalDate)"/> starts runs by.</summary>
    public AssetReadiness Explain(PipelineDefinition pipeline, LocalDate partition)
    {
        using var connection = _storage.GetConnection();
        return AssetReadiness.Read(connection, pipeline, PipelineSchedule.Parse(pipeline.Schedule), partition);
    }

    /// <summary>The partition of the event that arrived last of any asset of the pipeline's condition, or null when none has.</summary>
    public LocalDate? LastArrivedPartition(PipelineDefinition pipeline)
    {
        using var connection = _storage.GetConnection();
        return PipelineSchedule.Parse(pipeline.Schedule).AssetNames
            .Select(a => AssetStore.Events(connection, a, 1).FirstOrDefault())
            .Where(e => e is not null)
            .OrderByDescending(e => e!.At)
            .Select(e => (LocalDate?)e!.Partition)
            .FirstOrDefault();
    }

    /// <summary>The partitions any asset of the pipeline's condition has events for, newest first, at most <paramref name="count"/>.</summary>
    public IReadOnlyList<LocalDate> Partitions(PipelineDefinition pipeline, int count)
    {
        using var connection = _storage.GetConnection();
        return PipelineSchedule.Parse(pipeline.Schedule).AssetNames
            .SelectMany(a => AssetStore.LatestByPartition(connection, a).Keys)
            .Distinct(StringComparer.Ordinal)
            .Where(p => NodaTime.Text.LocalDatePattern.Iso.Parse(p).Success)
            .Select(PipelineStore.ParseDate)
            .OrderDescending()
            .Take(count)
            .ToList();
    }

    // Eight bytes of SHA-256 over the sorted "asset=event" pairs: the same events always give the same run id.
    private static string Key(SortedDictionary<string, string> events)
    {
        var text = string.Join("\n", events.Select(e => e.Key + "=" + e.Value));
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(text));
        return Convert.ToHexString(hash, 0, 8).ToLowerInvariant();
    }

    private static Dictionary<string, List<(PipelineDefinition, PipelineSchedule)>> ReadConsumers(PipelineRegistry registry)
    {
        var consumers = new Dictionary<string, List<(PipelineDefinition, PipelineSchedule)>>(StringComparer.Ordinal);
        foreach (var pipeline in registry.All.OrderBy(p => p.Id, StringComparer.Ordinal))
        {
            var schedule = PipelineSchedule.Parse(pipeline.Schedule);
            foreach (var asset in schedule.AssetNames)
            {
                if (!consumers.TryGetValue(asset, out var list)) consumers[asset] = list = new();
                list.Add((pipeline, schedule));
            }
        }
        return consumers;
    }
}
