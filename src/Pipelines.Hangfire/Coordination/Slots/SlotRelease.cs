using System;
using System.Collections.Generic;
using System.Linq;
using Hangfire.Storage;

namespace Pipelines.Hangfire;

/// <summary>
/// Gives back the slots of tries that stopped running, derived once from a committed step (a task whose state left
/// Running, or left waiting with its slots reserved: success, failure, retry, a sensor between pokes, the reconciler's
/// verdict, an operator's clear or mark), and wakes the waiters the freed slots were reserved for with a new job, as
/// <see cref="PipelineOperations.Unpause"/> does (their older job, already ended, stays stale).
/// </summary>
internal static class SlotRelease
{
    public static void Run(RunCoordinator coordinator, RunWork work)
    {
        if (Stopped(work, coordinator.Options) is { Count: > 0 } stopped) Wake(coordinator, coordinator.Slots.Release(stopped));
    }

    /// <summary>
    /// The tries whose slots a committed step gives back, with their limits' keys: a task under limits that was running
    /// (or waiting, with slots perhaps reserved) and now is not running or waiting for that same try.
    /// </summary>
    public static IReadOnlyList<(SlotHolder Try, IReadOnlyList<string> Keys)> Stopped(RunWork work, PipelinesOptions options)
    {
        List<(SlotHolder, IReadOnlyList<string>)>? stopped = null;
        var pipeline = work.Pipeline;
        var changed = work.ChangedIndexes;
        for (var i = 0; i < changed.Count; i++)
        {
            var index = changed[i];
            var definition = pipeline.Tasks[index];
            if (!SlotLimit.Any(pipeline, definition, options)) continue;
            var before = work.Before(index);
            if (!Holds(before.State)) continue;
            var after = work.Get(index);
            if (after.TryNumber == before.TryNumber && (after.State == TaskState.Running || IsCurrentTry.IsWaiting(before.State) && IsCurrentTry.IsWaiting(after.State))) continue;
            var keys = SlotLimit.Of(pipeline, definition, options).Select(l => l.Key).ToArray();
            (stopped ??= new()).Add((new SlotHolder(pipeline.Id, work.RunId, definition.Id, before.TryNumber, 0), keys));
        }
        foreach (var after in work.ChangedInstances)
        {
            var definition = work.DefinitionOf(after.TaskId);
            if (!SlotLimit.Any(pipeline, definition, options)) continue;
            var before = work.InstanceBefore(after.TaskId);
            if (!Holds(before.State)) continue;
            if (after.TryNumber == before.TryNumber && (after.State == TaskState.Running || IsCurrentTry.IsWaiting(before.State) && IsCurrentTry.IsWaiting(after.State))) continue;
            var keys = SlotLimit.Of(pipeline, definition, options).Select(l => l.Key).ToArray();
            (stopped ??= new()).Add((new SlotHolder(pipeline.Id, work.RunId, after.TaskId, before.TryNumber, 0), keys));
        }
        return stopped ?? (IReadOnlyList<(SlotHolder, IReadOnlyList<string>)>)System.Array.Empty<(SlotHolder, IReadOnlyList<string>)>();
    }

    /// <summary>Whether a task in this state may hold slots: running its try, or waiting with slots reserved for it.</summary>
    private static bool Holds(TaskState state) => state == TaskState.Running || IsCurrentTry.IsWaiting(state);

    /// <summary>
    /// Gives each woken waiter's task a new job for its try. A waiter that no longer waits (cleared, marked, its run or
    /// pipeline gone, or paused) gives its reservation back, which may wake the next.
    /// </summary>
    public static void Wake(RunCoordinator coordinator, IReadOnlyList<SlotWaiter> woken)
    {
        var queue = new Queue<SlotWaiter>(woken);
        while (queue.Count > 0)
        {
            var waiter = queue.Dequeue();
            var stale = true;
            // A pipeline this server does not know belongs to another app sharing the pools: its own servers start it
            // (their reconciler gives a reserved waiter without a job a new one).
            if (Resolve(coordinator, waiter.PipelineId) is not { } pipeline) continue;
            if (MapKey.TryDefinition(pipeline, waiter.TaskId, out var definition))
            {
                try
                {
                    coordinator.Update(pipeline, waiter.RunId, work =>
                    {
                        var task = work[waiter.TaskId];
                        if (work.Pause.Paused || task.TryNumber != waiter.TryNumber || !IsCurrentTry.IsWaiting(task.State)) return false;
                        stale = false;
                        var due = TaskReadiness.StartDue(definition, task, work.Now);
                        work.Set(task with { Reason = $"Slots were freed for try {task.TryNumber} at {PipelineStore.Format(work.Now)}; a new job starts it." });
                        work.Jobs.Add(new PendingJob(task.TaskId, task.TryNumber, due > work.Now ? due - work.Now : null));
                        return true;
                    }, CascadeScope.None);
                }
                catch (KeyNotFoundException)
                {
                    // The run was deleted.
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A busy run lock (or a storage error) keeps this waiter's reservation for the reconciler to hand on;
                    // the other woken waiters still get their jobs now.
                    CoordinationLog.SlotsNotReleased(coordinator.Logger, waiter.PipelineId, waiter.RunId, ex);
                    continue;
                }
            }
            if (!stale) continue;
            var keys = waiter.Needs.Select(n => n.Key).ToArray();
            foreach (var next in coordinator.Slots.Release(new[] { (new SlotHolder(waiter.PipelineId, waiter.RunId, waiter.TaskId, waiter.TryNumber, 0), (IReadOnlyList<string>)keys) }))
                queue.Enqueue(next);
        }
    }

    /// <summary>Whether a holder or waiter still stands: its task runs that try, or waits for it in an unpaused pipeline.</summary>
    public static bool StillHolds(RunCoordinator coordinator, IStorageConnection connection, string pipelineId, string runId, string taskId, int tryNumber)
    {
        // Another app's pipeline on the same storage: its slots are its servers' to judge, never ours to take.
        if (Resolve(coordinator, pipelineId) is not { } pipeline) return true;
        if (!MapKey.TryDefinition(pipeline, taskId, out _)) return false;
        var records = PipelineStore.ReadTaskRecords(connection, pipelineId, runId);
        if (!records.TryGetValue(taskId, out var record) || record.Length == 0) return false;
        var task = PipelineStore.ParseTask(taskId, record);
        if (task.TryNumber != tryNumber) return false;
        return task.State == TaskState.Running || IsCurrentTry.IsWaiting(task.State) && !PipelinePause.Read(connection, pipeline).Paused;
    }

    private static PipelineDefinition? Resolve(RunCoordinator coordinator, string pipelineId) =>
        (coordinator.Options.Pipelines ?? PipelineCatalog.All).FirstOrDefault(p => p.Id == pipelineId);
}
