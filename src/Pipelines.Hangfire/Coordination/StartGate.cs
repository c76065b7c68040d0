using System;
using System.Collections.Generic;
using Hangfire;
using Hangfire.Storage;

namespace Pipelines.Hangfire;

/// <summary>
/// What keeps a run's tries' starts (the swaps of <see cref="UnlockedStart"/>) out of a step. A start turns one task's
/// record from waiting to running, which nothing a step counts or decides by tells apart; but a step that writes a record
/// it read waiting would write over a start made meanwhile, so such a step must keep starts out from its read to its
/// commit.
/// </summary>
/// <remarks>
/// <para>Where the swaps wait for the run's lock itself (PostgreSQL's shared advisory lock), the step's lock keeps starts
/// out and the gate is that lock. Where the locks live in this process (Hangfire.InMemory's storage, <see cref="ProcessSwaps"/>),
/// a run's starts swap beside a gate of their own, which a step closes (<see cref="Close"/>): as soon as it holds the run's
/// lock, or, for a step that runs beside starts (<see cref="RunStep.Apply"/>: a try's end, queueing deferred tasks), only
/// once it is about to write records it read waiting (<see cref="WaitingWritten"/>). It then checks that they still hold
/// what it read (<see cref="Unchanged"/>); when a start swapped one meanwhile, the step applies its change again on what is
/// stored now, with the gate closed. A busy run's starts then wait only for the rare step that writes a waiting task (a
/// branch skipping one, an operator's change), not for every try's end.</para>
/// </remarks>
internal static class StartGate
{
    /// <summary>The resource a run's starts swap beside, for the run's lock <paramref name="runLock"/>.</summary>
    public static string Resource(JobStorage storage, string runLock) => IsOwn(storage) ? runLock + ":starts" : runLock;

    /// <summary>
    /// Closes the gate of the run whose lock <paramref name="runLock"/> the caller holds, waiting up to
    /// <paramref name="timeout"/> for the starts in progress to end; null where that lock keeps starts out already.
    /// </summary>
    /// <exception cref="DistributedLockTimeoutException">A start in progress did not end within the timeout.</exception>
    public static IDisposable? Close(JobStorage storage, string runLock, TimeSpan timeout) =>
        IsOwn(storage) && storage is global::Hangfire.InMemory.InMemoryStorage memory ? ProcessLocks.Of(memory).Acquire(Resource(storage, runLock), timeout) : null;

    /// <summary>Whether the run's starts pass a gate of their own, so a step holding the run's lock does not keep them out.</summary>
    public static bool IsOwn(JobStorage storage) => StorageLocks.SwapsOf(storage) is ProcessSwaps;

    /// <summary>
    /// The records the step is about to write that it read waiting (a start may have swapped them since), by id, with the
    /// record read; null when there are none.
    /// </summary>
    public static List<KeyValuePair<string, string>>? WaitingWritten(RunWork work, StoredHash tasks)
    {
        List<KeyValuePair<string, string>>? waiting = null;
        foreach (var task in work.Changed)
        {
            if (tasks.Get(task.TaskId) is not { Length: > 0 } read || !IsCurrentTry.IsWaiting(PipelineStore.StateOf(read))) continue;
            (waiting ??= new List<KeyValuePair<string, string>>()).Add(new(task.TaskId, read));
        }
        return waiting;
    }

    /// <summary>Whether every record of <paramref name="read"/> is still stored as it was read.</summary>
    public static bool Unchanged(IStorageConnection connection, string tasksKey, IReadOnlyList<KeyValuePair<string, string>> read)
    {
        // Hangfire.InMemory reads a field at a time; a storage that cannot is read whole.
        var whole = connection is JobStorageConnection ? null : connection.GetAllEntriesFromHash(tasksKey) ?? new Dictionary<string, string>();
        foreach (var (id, record) in read)
        {
            var stored = whole is null ? ((JobStorageConnection)connection).GetValueFromHash(tasksKey, id) : whole.GetValueOrDefault(id);
            if (stored != record) return false;
        }
        return true;
    }
}
