using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Hangfire;
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
internal sealed class ProcessLocks
{
    private static readonly ConditionalWeakTable<InMemoryStorage, ProcessLocks> s_byStorage = new();

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>The locks of <paramref name="storage"/>.</summary>
    public static ProcessLocks Of(InMemoryStorage storage) => s_byStorage.GetValue(storage, _ => new ProcessLocks());

    /// <summary>Takes the lock on <paramref name="resource"/>, waiting up to <paramref name="timeout"/>.</summary>
    /// <exception cref="DistributedLockTimeoutException">The lock was not free within the timeout.</exception>
    public IDisposable Acquire(string resource, TimeSpan timeout)
    {
        Entry entry;
        lock (_entries)
        {
            if (!_entries.TryGetValue(resource, out entry!)) _entries[resource] = entry = new Entry();
            entry.Users++;
        }
        bool taken;
        try
        {
            taken = entry.Semaphore.Wait(timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout);
        }
        catch
        {
            Leave(resource, entry);
            throw;
        }
        if (taken) return new Held(this, resource, entry);
        Leave(resource, entry);
        throw new DistributedLockTimeoutException(resource);
    }

    private void Leave(string resource, Entry entry)
    {
        lock (_entries)
        {
            if (--entry.Users == 0) _entries.Remove(resource);
        }
    }

    private sealed class Entry
    {
        public readonly SemaphoreSlim Semaphore = new(1, 1);
        public int Users;
    }

    private sealed class Held(ProcessLocks owner, string resource, Entry entry) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            entry.Semaphore.Release();
            owner.Leave(resource, entry);
        }
    }
}
