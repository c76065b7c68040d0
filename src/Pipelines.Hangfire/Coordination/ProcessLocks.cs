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
/// A lock can also be held shared (<see cref="AcquireShared"/>), as a PostgreSQL transaction's shared advisory lock is:
/// shared holders never wait for each other, and a shared acquire passes through the semaphore, so it waits while an
/// exclusive holder holds it, or has taken it and waits for the shared holders inside to leave (no new one enters
/// meanwhile); the exclusive holder is granted the lock once they have. The swaps of <see cref="ProcessSwaps"/> hold run
/// locks so.
/// </remarks>
internal sealed class ProcessLocks
{
    private static readonly ConditionalWeakTable<InMemoryStorage, ProcessLocks> s_byStorage = new();

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The locks of <paramref name="storage"/>.</summary>
    public static ProcessLocks Of(InMemoryStorage storage) => s_byStorage.GetValue(storage, _ => new ProcessLocks());

    /// <summary>Takes the lock on <paramref name="resource"/>, waiting up to <paramref name="timeout"/>.</summary>
    /// <exception cref="DistributedLockTimeoutException">The lock was not free within the timeout.</exception>
    public IDisposable Acquire(string resource, TimeSpan timeout) => Enter(resource, timeout, shared: false);

    /// <summary>Takes the lock on <paramref name="resource"/> shared, waiting up to <paramref name="timeout"/> while it is held exclusively.</summary>
    /// <exception cref="DistributedLockTimeoutException">An exclusive holder kept it longer than the timeout.</exception>
    public IDisposable AcquireShared(string resource, TimeSpan timeout) => Enter(resource, timeout, shared: true);

    private IDisposable Enter(string resource, TimeSpan timeout, bool shared)
    {
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(resource, out entry!)) _entries[resource] = entry = new Entry();
            entry.Users++;
        }
        var started = Environment.TickCount64;
        var wait = timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout;
        bool taken;
        try
        {
            taken = entry.Semaphore.Wait(wait);
            if (taken && shared)
            {
                // In only to count itself: exclusive acquires behind it wait for it to leave, shared ones do not.
                lock (entry)
                {
                    if (entry.Shared++ == 0) entry.Drained.Reset();
                }
                entry.Semaphore.Release();
            }
            else if (taken && !entry.Drained.IsSet)
            {
                // Holding the semaphore keeps new shared holders out; the ones inside leave in their own time.
                var left = wait - TimeSpan.FromMilliseconds(Environment.TickCount64 - started);
                if (!entry.Drained.Wait(left > TimeSpan.Zero ? left : TimeSpan.Zero))
                {
                    entry.Semaphore.Release();
                    taken = false;
                }
            }
        }
        catch
        {
            Leave(resource, entry);
            throw;
        }
        if (taken) return new Held(this, resource, entry, shared);
        Leave(resource, entry);
        throw new DistributedLockTimeoutException(resource);
    }

    private void Leave(string resource, Entry entry)
    {
        lock (_entries)
        {
            if (--entry.Users == 0)
            {
                _entries.Remove(resource);
                entry.Drained.Dispose();
                entry.Semaphore.Dispose();
            }
        }
    }

    private sealed class Entry
    {
        public readonly SemaphoreSlim Semaphore = new(1, 1);
        /// <summary>Set while no shared holder is in.</summary>
        public readonly ManualResetEventSlim Drained = new(initialState: true);
        public int Shared;
        public int Users;
    }

    private sealed class Held(ProcessLocks owner, string resource, Entry entry, bool shared) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            if (shared)
            {
                lock (entry)
                {
                    if (--entry.Shared == 0) entry.Drained.Set();
                }
            }
            else
            {
                entry.Semaphore.Release();
            }
            owner.Leave(resource, entry);
        }
    }
}
