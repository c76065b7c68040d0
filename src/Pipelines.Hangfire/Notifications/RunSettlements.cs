using System;
using System.Collections.Generic;
using System.Diagnostics;
using Hangfire;
using Hangfire.Storage;

namespace Pipelines.Hangfire;

/// <summary>
/// What one delivery pass over a run's events has to write back: the events every notifier is done with (taken off the
/// run's list) and the progress of the others (failed tries, the next try's time). Written in one transaction at the end
/// of the pass, not one per event, since that is what a busy server's outbox costs: on PostgreSQL the per-event
/// transactions were a quarter of a many-runs benchmark's throughput. A pass that calls slow notifiers writes what it has
/// every second, so a server that dies mid-pass sends again at most that second's events (delivery is at least once).
/// </summary>
/// <remarks>
/// The pass's last write may go through the storage's batch on the session of the run's delivery lock
/// (<see cref="StorageWrites"/>; on PostgreSQL one round trip that also releases the lock, instead of a statement per
/// event); the writes before it, made while the lock must stay held, go through Hangfire's transaction.
/// </remarks>
internal sealed class RunSettlements(JobStorage storage, JobStorageConnection connection, string runKey)
{
    private static readonly TimeSpan s_longestUnwritten = TimeSpan.FromSeconds(1);

    private readonly List<OutboxEntry> _settled = new();
    private readonly List<(string Key, Dictionary<string, string> Changes)> _ownHashes = new();
    private readonly Dictionary<string, string> _runHash = new(StringComparer.Ordinal);
    private long _since = Stopwatch.GetTimestamp();
    private bool _runHashWritten;

    /// <summary>Every notifier is done with <paramref name="entry"/>: it leaves the outbox.</summary>
    public void Settled(OutboxEntry entry)
    {
        _settled.Add(entry);
        WriteIfDue();
    }

    /// <summary>Some notifier tried <paramref name="entry"/> and has to try again: keep where each one stands.</summary>
    public void Progressed(OutboxEntry entry, Dictionary<string, string> changes)
    {
        if (entry.ProgressInRunHash)
        {
            foreach (var (field, value) in changes) _runHash[field] = value;
        }
        else
        {
            _ownHashes.Add((NotificationOutbox.DeliveryKey(entry.Id), changes));
        }
        WriteIfDue();
    }

    /// <summary>Writes what is pending.</summary>
    /// <param name="emptied">Every event of the run read by this pass is settled: the run's delivery hash and its place in
    /// the outbox's index go too.</param>
    /// <param name="runHashMayExist">Whether the run's delivery hash may hold something (it was read non-empty, or written).</param>
    /// <param name="lastHoldingLock">The pass's last write, with the run's delivery lock it holds: the storage may commit it
    /// on that lock's session and release the lock with it (the lock is disposed by its holder either way).</param>
    public void Commit(bool emptied, bool runHashMayExist, IDisposable? lastHoldingLock = null)
    {
        var removeRun = emptied && (runHashMayExist || _runHashWritten);
        if (_settled.Count == 0 && _ownHashes.Count == 0 && _runHash.Count == 0 && !emptied) return;
        using var transaction = lastHoldingLock is null ? connection.CreateWriteTransaction() : StorageWrites.Begin(storage, connection, lastHoldingLock);
        foreach (var entry in _settled)
        {
            transaction.RemoveFromList(runKey, entry.Text);
            if (!entry.ProgressInRunHash) transaction.RemoveHash(NotificationOutbox.DeliveryKey(entry.Id));
        }
        foreach (var (key, changes) in _ownHashes) transaction.SetRangeInHash(key, changes);
        if (removeRun)
        {
            transaction.RemoveHash(NotificationOutbox.RunDeliveryKey(runKey));
        }
        else if (_runHash.Count > 0)
        {
            transaction.SetRangeInHash(NotificationOutbox.RunDeliveryKey(runKey), _runHash);
            _runHashWritten = true;
        }
        if (emptied) transaction.RemoveFromSet(NotificationOutbox.IndexKey, runKey);
        transaction.Commit();
        _settled.Clear();
        _ownHashes.Clear();
        _runHash.Clear();
        _since = Stopwatch.GetTimestamp();
    }

    private void WriteIfDue()
    {
        if (Stopwatch.GetElapsedTime(_since) >= s_longestUnwritten) Commit(emptied: false, runHashMayExist: false);
    }
}
