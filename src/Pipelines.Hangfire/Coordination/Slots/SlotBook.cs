using System;
using System.Collections.Generic;
using System.Linq;
using Hangfire;
using Hangfire.Storage;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// The slot bookkeeping of pools, MaxActiveTasks and MaxActiveTries, kept in Hangfire's storage under one lock
/// (<see cref="Lock"/>): a set of holders per limit, and one set of waiting tries. The lock is only ever taken after a
/// run's lock or with no lock held, never held while waiting for a run's lock, so the two cannot deadlock.
/// </summary>
/// <remarks>
/// A try takes its slots when it starts (<see cref="Admit"/>, under its run's lock) and gives them back when its task
/// stops running (<see cref="Release"/>, after the step that stopped it committed). Slots freed go straight to the
/// waiters that fit, highest priority first, as a reservation (a holder entry for the waiting try); the coordinator then
/// gives each such task a new job. Both writes are made before or after the run's own commit so that a crash in between
/// leaves a holder too many, never one too few: <see cref="Repair"/> (the reconciler) removes holders whose task no
/// longer runs or waits for that try, and wakes waiters that fit (a lost wake-up).
/// </remarks>
internal sealed class SlotBook
{
    public const string Lock = "pipelines:lock:slots";
    public const string WaitingKey = "pipelines:slots:waiting";
    public const string KeysKey = "pipelines:slots:keys";

    public static string HoldersKey(string limitKey) => "pipelines:slots:" + limitKey;

    private readonly JobStorage _storage;
    private readonly PipelinesOptions _options;

    public SlotBook(JobStorage storage, PipelinesOptions options)
    {
        _storage = storage;
        _options = options;
    }

    /// <summary>
    /// How the limits of a try stand: read under <see cref="Lock"/> for a decision, without it for people. The waiting
    /// count leaves the try itself out, so the sentence it gets when refused and the one people read later agree.
    /// </summary>
    public static IReadOnlyList<SlotUsage> Read(IStorageConnection connection, IReadOnlyList<SlotLimit> limits, string pipelineId, string runId, string taskId, int tryNumber)
    {
        if (limits.Count == 0) return Array.Empty<SlotUsage>();
        var waiting = Waiters(connection);
        var result = new SlotUsage[limits.Count];
        for (var i = 0; i < limits.Count; i++)
        {
            var limit = limits[i];
            var holders = Holders(connection, limit.Key);
            result[i] = new SlotUsage(limit, holders, holders.Any(h => h.IsOf(pipelineId, runId, taskId, tryNumber)), waiting.Count(w => !w.IsOf(pipelineId, runId, taskId) && w.Needs.Any(n => n.Key == limit.Key)));
        }
        return result;
    }

    /// <summary>The tries holding slots of a limit.</summary>
    public static List<SlotHolder> Holders(IStorageConnection connection, string limitKey) =>
        connection.GetAllItemsFromSet(HoldersKey(limitKey)).Select(SlotHolder.Parse).OfType<SlotHolder>().ToList();

    /// <summary>Every waiting try, in the order they get freed slots.</summary>
    public static List<SlotWaiter> Waiters(IStorageConnection connection)
    {
        var waiters = connection.GetAllItemsFromSet(WaitingKey).Select(SlotWaiter.Parse).OfType<SlotWaiter>().ToList();
        waiters.Sort(SlotWaiter.Order);
        return waiters;
    }

    /// <summary>
    /// Judges whether a try of a task under limits may start, with <paramref name="judge"/> (the start's readiness
    /// reasons, given the limits' usage): when it may, records it as a holder of every limit; when it may not, records it
    /// as waiting (keeping when it first waited). Called under the run's lock, before the run's step commits.
    /// </summary>
    /// <remarks><paramref name="taskKey"/> names the task instance (a mapped instance's <see cref="MapKey"/> id); the task's id by default.</remarks>
    public SlotAdmission Admit(PipelineDefinition pipeline, string runId, TaskDefinition task, int tryNumber, Instant now, Func<IReadOnlyList<SlotUsage>, TaskDependency?> judge, string? taskKey = null)
    {
        var key = taskKey ?? task.Id;
        var limits = SlotLimit.Of(pipeline, task, _options);
        using var connection = _storage.GetConnection();
        using var locked = StorageLocks.Acquire(_storage, connection, Lock, _options.LockTimeout);
        var usage = Read(connection, limits, pipeline.Id, runId, key, tryNumber);
        var blocked = judge(usage);
        var stored = connection.GetAllItemsFromSet(WaitingKey);
        var mine = stored.Where(m => SlotWaiter.Parse(m) is { } w && w.IsOf(pipeline.Id, runId, key)).ToList();
        using var transaction = connection.CreateWriteTransaction();
        SlotAdmission result;
        if (blocked is null)
        {
            foreach (var u in usage)
            {
                if (u.Held) continue;
                transaction.AddToSet(HoldersKey(u.Limit.Key), new SlotHolder(pipeline.Id, runId, key, tryNumber, u.Limit.Need).Format());
                transaction.AddToSet(KeysKey, u.Limit.Key);
            }
            foreach (var member in mine) transaction.RemoveFromSet(WaitingKey, member);
            result = new SlotAdmission(SlotAdmissionKind.Admitted, null);
        }
        else if (usage.Any(u => u.Impossible))
        {
            foreach (var member in mine) transaction.RemoveFromSet(WaitingKey, member);
            result = new SlotAdmission(SlotAdmissionKind.Impossible, blocked);
        }
        else
        {
            if (!mine.Any(m => SlotWaiter.Parse(m)!.TryNumber == tryNumber))
            {
                foreach (var member in mine) transaction.RemoveFromSet(WaitingKey, member);
                var run = PipelineStore.ReadRunRecord(connection, pipeline.Id, runId);
                transaction.AddToSet(WaitingKey, SlotWaiter.Of(pipeline, runId, task, tryNumber, run?.LogicalDateText, now, limits, run?.Kind == RunKind.Backfill, key).Format());
                foreach (var limit in limits) transaction.AddToSet(KeysKey, limit.Key);
            }
            result = new SlotAdmission(SlotAdmissionKind.Waiting, blocked);
        }
        transaction.Commit();
        return result;
    }

    /// <summary>
    /// Gives back the slots of tries that stopped running (or stopped waiting with a reservation), drops their waiting
    /// entries, and reserves the freed slots for the waiters that now fit. Returns those waiters: each needs a new job.
    /// </summary>
    public IReadOnlyList<SlotWaiter> Release(IReadOnlyList<(SlotHolder Try, IReadOnlyList<string> Keys)> stopped)
    {
        if (stopped.Count == 0) return Array.Empty<SlotWaiter>();
        using var connection = _storage.GetConnection();
        using var locked = StorageLocks.Acquire(_storage, connection, Lock, _options.LockTimeout);
        var used = new Dictionary<string, List<SlotHolder>>(StringComparer.Ordinal);
        using var transaction = connection.CreateWriteTransaction();
        foreach (var (held, keys) in stopped)
        {
            foreach (var key in keys)
            {
                var holders = HoldersOf(connection, used, key);
                foreach (var holder in holders.Where(h => h.IsOf(held.PipelineId, held.RunId, held.TaskId, held.TryNumber)).ToList())
                {
                    transaction.RemoveFromSet(HoldersKey(key), holder.Format());
                    holders.Remove(holder);
                }
            }
        }
        var waiting = connection.GetAllItemsFromSet(WaitingKey);
        foreach (var member in waiting)
            if (SlotWaiter.Parse(member) is { } w && stopped.Any(s => w.IsOf(s.Try.PipelineId, s.Try.RunId, s.Try.TaskId) && w.TryNumber == s.Try.TryNumber))
                transaction.RemoveFromSet(WaitingKey, member);
        var woken = Reserve(connection, transaction, used, skip: stopped.Select(s => s.Try).ToList());
        transaction.Commit();
        return woken;
    }

    /// <summary>
    /// The reconciler's repair: removes holders and waiters whose task no longer runs or waits for that try
    /// (<paramref name="stillHolds"/> reads the task), then reserves slots for the waiters that fit. Returns the woken waiters.
    /// </summary>
    public IReadOnlyList<SlotWaiter> Repair(Func<IStorageConnection, string, string, string, int, bool> stillHolds)
    {
        using var connection = _storage.GetConnection();
        var keys = connection.GetAllItemsFromSet(KeysKey);
        if (keys.Count == 0) return Array.Empty<SlotWaiter>();
        using var locked = StorageLocks.Acquire(_storage, connection, Lock, _options.ReconcilerLockTimeout);
        var used = new Dictionary<string, List<SlotHolder>>(StringComparer.Ordinal);
        using var transaction = connection.CreateWriteTransaction();
        foreach (var key in keys)
        {
            var holders = HoldersOf(connection, used, key);
            foreach (var holder in holders.ToList())
            {
                if (stillHolds(connection, holder.PipelineId, holder.RunId, holder.TaskId, holder.TryNumber)) continue;
                transaction.RemoveFromSet(HoldersKey(key), holder.Format());
                holders.Remove(holder);
            }
        }
        foreach (var member in connection.GetAllItemsFromSet(WaitingKey))
            if (SlotWaiter.Parse(member) is not { } w || !stillHolds(connection, w.PipelineId, w.RunId, w.TaskId, w.TryNumber))
                transaction.RemoveFromSet(WaitingKey, member);
        var woken = Reserve(connection, transaction, used, skip: Array.Empty<SlotHolder>());
        transaction.Commit();
        return woken;
    }

    /// <summary>
    /// Reserves free slots for waiters, highest priority first; a waiter that does not fit is passed over for smaller
    /// ones behind it (as Airflow's scheduler does), so one big request does not idle a pool.
    /// </summary>
    private List<SlotWaiter> Reserve(IStorageConnection connection, IWriteOnlyTransaction transaction, Dictionary<string, List<SlotHolder>> used, IReadOnlyList<SlotHolder> skip)
    {
        var candidates = new List<(SlotWaiter Waiter, string Member)>();
        foreach (var member in connection.GetAllItemsFromSet(WaitingKey))
        {
            if (SlotWaiter.Parse(member) is not { } waiter) continue;
            if (skip.Any(s => waiter.IsOf(s.PipelineId, s.RunId, s.TaskId) && waiter.TryNumber == s.TryNumber)) continue;
            candidates.Add((waiter, member));
        }
        candidates.Sort((a, b) => SlotWaiter.Order.Compare(a.Waiter, b.Waiter));
        var woken = new List<SlotWaiter>();
        foreach (var (waiter, member) in candidates)
        {
            var fits = true;
            foreach (var need in waiter.Needs)
            {
                var holders = HoldersOf(connection, used, need.Key);
                if (holders.Any(h => h.IsOf(waiter.PipelineId, waiter.RunId, waiter.TaskId, waiter.TryNumber))) continue;
                if (holders.Sum(h => h.Slots) + need.Slots > Capacity(need)) fits = false;
            }
            if (!fits) continue;
            foreach (var need in waiter.Needs)
            {
                var holders = HoldersOf(connection, used, need.Key);
                if (holders.Any(h => h.IsOf(waiter.PipelineId, waiter.RunId, waiter.TaskId, waiter.TryNumber))) continue;
                var holder = waiter.Holder(need);
                holders.Add(holder);
                transaction.AddToSet(HoldersKey(need.Key), holder.Format());
            }
            transaction.RemoveFromSet(WaitingKey, member);
            woken.Add(waiter);
        }
        return woken;
    }

    /// <summary>A limit's capacity now: a pool's may have been changed by configuration since the waiter was refused.</summary>
    private int Capacity(SlotWaiter.Need need) =>
        need.Key.StartsWith("pool:", StringComparison.Ordinal) && SlotLimit.PoolCapacity(need.Key["pool:".Length..], _options) is { } slots ? slots : need.Capacity;

    private static List<SlotHolder> HoldersOf(IStorageConnection connection, Dictionary<string, List<SlotHolder>> cache, string key)
    {
        if (!cache.TryGetValue(key, out var holders)) cache[key] = holders = Holders(connection, key);
        return holders;
    }
}
