using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Hangfire.InMemory;
using Hangfire.Storage;

namespace Pipelines.Hangfire;

/// <summary>
/// The runtime's locks on Hangfire.InMemory's storage, whose whole state lives in this process: a semaphore per resource
/// and storage, exactly as exclusive as Hangfire's in-memory lock, without the round trips through the storage's
/// dispatcher thread that each acquire and release made (and its retries while contended), which every step of a run pays
/// twice. Not re-entrant, like the PostgreSQL advisory locks (each acquire is a new holder): the runtime never nests a
/// resource's lock. A resource's semaphore is dropped when its last holder and waiter leave.
/// </summary>
/// <remarks>
/// <para>
/// A lock can also be held shared (<see cref="AcquireShared"/>), as a PostgreSQL transaction's shared advisory lock is:
/// shared holders never wait for each other, and a shared acquire waits while an exclusive holder holds the lock or has
/// taken it and waits for the shared holders inside to leave (no new one enters meanwhile); the exclusive holder is
/// granted the lock once they have. The swaps of <see cref="ProcessSwaps"/> hold run locks so.
/// </para>
/// <para>
/// A third hold, <see cref="AcquireAmongExclusive"/>, excludes the exclusive holders and the other holds of its kind but
/// not the shared ones: a run's step that changes only tasks no swap changes (the steps that queue undecided tasks a
/// budget at a time, <see cref="RunCoordinator"/>) lets the run's tries start meanwhile.
/// </para>
/// </remarks>
internal sealed class ProcessLocks
{
    private static readonly ConditionalWeakTable<InMemoryStorage, ProcessLocks> s_byStorage = new();

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The locks of <paramref name="storage"/>.</summary>
    public static ProcessLocks Of(InMemoryStorage storage) => s_byStorage.GetValue(storage, _ => new ProcessLocks());

    /// <summary>Takes the lock on <paramref name="resource"/>, waiting up to <paramref name="timeout"/>.</summary>
    /// <exception cref="DistributedLockTimeoutException">The lock was not free within the timeout.</exception>
    public IDisposable Acquire(string resource, TimeSpan timeout) => Enter(resource, timeout, Hold.Exclusive);

    /// <summary>Takes the lock on <paramref name="resource"/> shared, waiting up to <paramref name="timeout"/> while it is held exclusively.</summary>
    /// <exception cref="DistributedLockTimeoutException">An exclusive holder kept it longer than the timeout.</exception>
    public IDisposable AcquireShared(string resource, TimeSpan timeout) => Enter(resource, timeout, Hold.Shared);

    /// <summary>
    /// Takes the lock on <paramref name="resource"/> against the exclusive holders and the other holds of this kind, while
    /// shared holders come and go, waiting up to <paramref name="timeout"/>.
    /// </summary>
    /// <exception cref="DistributedLockTimeoutException">The lock was not free within the timeout.</exception>
    public IDisposable AcquireAmongExclusive(string resource, TimeSpan timeout) => Enter(resource, timeout, Hold.AmongExclusive);

    private enum Hold { Exclusive, Shared, AmongExclusive }

    private IDisposable Enter(string resource, TimeSpan timeout, Hold hold)
    {
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(resource, out entry!)) _entries[resource] = entry = new Entry();
            entry.Users++;
        }
        var started = Environment.TickCount64;
        var wait = timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout;
        TimeSpan Left()
        {
            var left = wait - TimeSpan.FromMilliseconds(Environment.TickCount64 - started);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
        bool taken = false, semaphore = false;
        try
        {
            if (hold == Hold.Shared)
            {
                // In through the gate, which an exclusive holder closes; shared holders never wait for each other.
                while (true)
                {
                    taken = entry.Open.Wait(Left());
                    if (!taken) break;
                    lock (entry)
                    {
                        if (!entry.Open.IsSet) continue;
                        if (entry.Shared++ == 0) entry.Drained.Reset();
                        break;
                    }
                }
            }
            else
            {
                taken = semaphore = entry.Semaphore.Wait(wait);
                if (taken && hold == Hold.Exclusive)
                {
                    // Holding the semaphore, the gate closed keeps new shared holders out; the ones inside leave in their own time.
                    lock (entry) entry.Open.Reset();
                    if (!entry.Drained.Wait(Left()))
                    {
                        Reopen(entry);
                        taken = semaphore = false;
                    }
                }
            }
        }
        catch
        {
            // Interrupted while it waited: give back what it took, or every later acquire would wait for it.
            if (semaphore)
            {
                if (hold == Hold.Exclusive) Reopen(entry);
                else entry.Semaphore.Release();
            }
            Leave(resource, entry);
            throw;
        }
        if (taken) return new Held(this, resource, entry, hold);
        Leave(resource, entry);
        throw new DistributedLockTimeoutException(resource);
    }

    /// <summary>Ends an exclusive hold (or its acquire): the gate opens for shared holders, then the semaphore is free.</summary>
    private static void Reopen(Entry entry)
    {
        lock (entry) entry.Open.Set();
        entry.Semaphore.Release();
    }

    private void Leave(string resource, Entry entry)
    {
        lock (_entries)
        {
            if (--entry.Users == 0)
            {
                _entries.Remove(resource);
                entry.Drained.Dispose();
                entry.Open.Dispose();
                entry.Semaphore.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        /// <summary>Held by an exclusive holder or a hold among the exclusive ones.</summary>
        public readonly SemaphoreSlim Semaphore = new(1, 1);
        /// <summary>Set while no exclusive holder keeps shared ones out.</summary>
        public readonly ManualResetEventSlim Open = new(initialState: true);
        /// <summary>Set while no shared holder is in.</summary>
        public readonly ManualResetEventSlim Drained = new(initialState: true);
        public int Shared;
        public int Users;
    }

    private sealed class Held(ProcessLocks owner, string resource, Entry entry, Hold hold) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            switch (hold)
            {
                case Hold.Shared:
                    lock (entry)
                    {
                        if (--entry.Shared == 0) entry.Drained.Set();
                    }
                    break;
                case Hold.Exclusive:
                    Reopen(entry);
                    break;
                default:
                    entry.Semaphore.Release();
                    break;
            }
            owner.Leave(resource, entry);
        }
    }
}
