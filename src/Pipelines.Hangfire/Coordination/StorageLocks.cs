using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using Hangfire;
using Hangfire.Storage;

namespace Pipelines.Hangfire;

/// <summary>
/// Takes the runtime's locks: the storage's own when it offers one (<see cref="IPipelineLockStorage"/>, such as the
/// PostgreSQL advisory locks of Pipelines.Hangfire.PostgreSql, freed when their holder's connection dies), semaphores in
/// this process for Hangfire.InMemory's storage, which lives in this process (<see cref="ProcessLocks"/>), and
/// Hangfire's distributed lock everywhere else. Every lock wait is measured, every wait that times out (a try's start swapping beside the lock's
/// included) counted, and, while anyone listens, every hold:
/// the time under a run's lock is what serialises a run's steps.
/// </summary>
internal static class StorageLocks
{
    /// <summary>Takes <paramref name="resource"/>'s lock on <paramref name="storage"/> (through <paramref name="connection"/> where the storage's own), waiting up to <paramref name="timeout"/>.</summary>
    /// <param name="storage">The storage whose lock it is.</param>
    /// <param name="connection">A connection to it, for a lock that is Hangfire's own.</param>
    /// <param name="resource">The lock's name.</param>
    /// <param name="timeout">How long to wait for it.</param>
    /// <param name="swapsMeanwhile">
    /// Whether the holder leaves the swaps beside the lock (<see cref="BeginSwap"/>) free to go on: it writes no field a
    /// swap compares or writes, and none of the rest a swap's reader uses. Where the locks live in this process it then
    /// excludes only the other holders (<see cref="ProcessLocks.AcquireAmongExclusive"/>); elsewhere the lock is taken
    /// as always.
    /// </param>
    public static IDisposable Acquire(JobStorage storage, IStorageConnection connection, string resource, TimeSpan timeout, bool swapsMeanwhile = false)
    {
        var started = Stopwatch.GetTimestamp();
        IDisposable held;
        try
        {
            held = storage switch
            {
                IPipelineLockStorage own => own.AcquirePipelineLock(resource, timeout),
                global::Hangfire.InMemory.InMemoryStorage memory when swapsMeanwhile => ProcessLocks.Of(memory).AcquireAmongExclusive(resource, timeout),
                global::Hangfire.InMemory.InMemoryStorage memory => ProcessLocks.Of(memory).Acquire(resource, timeout),
                _ => connection.AcquireDistributedLock(resource, timeout),
            };
        }
        catch (DistributedLockTimeoutException)
        {
            CountTimeout(resource, timeout);
            throw;
        }
        return Measured(held, resource, started);
    }

    /// <summary>
    /// Begins a swap beside the lock (<see cref="IPipelineSwapStorage"/>), its timeout counted as a lock's. A swap is not a
    /// hold of the lock, so its wait is not measured as one.
    /// </summary>
    public static IPipelineSwap BeginSwap(IPipelineSwapStorage storage, string resource, TimeSpan timeout, IReadOnlyCollection<string> wholeKeys,
        IReadOnlyCollection<KeyValuePair<string, string>> fields, out IReadOnlyDictionary<string, Dictionary<string, string>> read)
    {
        try
        {
            return storage.BeginSwap(resource, timeout, wholeKeys, fields, out read);
        }
        catch (DistributedLockTimeoutException)
        {
            CountTimeout(resource, timeout);
            throw;
        }
    }

    /// <summary>Begins a counting swap beside the lock (<see cref="IPipelineCountingSwapStorage"/>), its timeout counted as <see cref="BeginSwap"/>'s.</summary>
    public static IPipelineCountingSwap BeginCountingSwap(IPipelineCountingSwapStorage storage, string resource, TimeSpan timeout, IReadOnlyCollection<string> wholeKeys,
        IReadOnlyCollection<KeyValuePair<string, string>> fields, HashFieldWrite? writeFirst, out IReadOnlyDictionary<string, Dictionary<string, string>> read)
    {
        try
        {
            return storage.BeginCountingSwap(resource, timeout, wholeKeys, fields, writeFirst, out read);
        }
        catch (DistributedLockTimeoutException)
        {
            CountTimeout(resource, timeout);
            throw;
        }
    }

    /// <summary>Swaps beside the lock in one go (<see cref="IPipelineConditionalSwapStorage"/>), its timeout counted as <see cref="BeginSwap"/>'s.</summary>
    public static IReadOnlyList<string>? SwapIf(IPipelineConditionalSwapStorage storage, string resource, TimeSpan timeout, HashFieldWrite? writeFirst, HashFieldWrite swap, string expected,
        IReadOnlyList<HashFieldCondition> conditions, IReadOnlyList<HashCountMove> moves, IReadOnlyList<HashFieldWrite> writes, IReadOnlyCollection<string> wholeKeys,
        IReadOnlyCollection<KeyValuePair<string, string>> fields, out IReadOnlyDictionary<string, Dictionary<string, string>> read)
    {
        try
        {
            return storage.SwapIf(resource, timeout, writeFirst, swap, expected, conditions, moves, writes, wholeKeys, fields, out read);
        }
        catch (DistributedLockTimeoutException)
        {
            CountTimeout(resource, timeout);
            throw;
        }
    }

    /// <summary>
    /// The swaps beside the locks (<see cref="IPipelineSwapStorage"/>) of <paramref name="storage"/>: its own when it offers
    /// them (Pipelines.Hangfire.PostgreSql's), the process's for Hangfire.InMemory's storage, whose locks live in this process
    /// (<see cref="ProcessSwaps"/>); null elsewhere, where a try's start takes the run's lock.
    /// </summary>
    public static IPipelineSwapStorage? SwapsOf(JobStorage storage) => storage switch
    {
        IPipelineSwapStorage own => own,
        global::Hangfire.InMemory.InMemoryStorage memory => ProcessSwaps.Of(memory),
        _ => null,
    };

    /// <summary>
    /// Counts a wait that timed out (<c>pipelines.lock.timeouts</c>). Asking without waiting (a zero timeout) finds a busy
    /// lock as a matter of course and is not counted.
    /// </summary>
    private static void CountTimeout(string resource, TimeSpan timeout)
    {
        if (timeout > TimeSpan.Zero) PipelinesTelemetry.LockTimedOut(resource);
    }

    /// <summary>
    /// Whether asking for a lock without waiting costs nothing: the locks live in this process (<see cref="ProcessLocks"/>).
    /// Elsewhere a lock that turns out busy costs a round trip (and an exception) before the real wait.
    /// </summary>
    public static bool AreInProcess(JobStorage storage) =>
        storage is global::Hangfire.InMemory.InMemoryStorage;

    /// <summary>Takes the lock and reads with it in one round trip (<see cref="IPipelineReadStorage"/>), measured as <see cref="Acquire"/>.</summary>
    public static IDisposable AcquireAndRead(IPipelineReadStorage storage, string resource, TimeSpan timeout, IReadOnlyCollection<string> wholeKeys,
        IReadOnlyCollection<KeyValuePair<string, string>> fields, HashFieldWrite? writeFirst, out IReadOnlyDictionary<string, Dictionary<string, string>> read)
    {
        var started = Stopwatch.GetTimestamp();
        IDisposable held;
        try
        {
            held = storage.AcquirePipelineLockAndRead(resource, timeout, wholeKeys, fields, writeFirst, out read);
        }
        catch (DistributedLockTimeoutException)
        {
            CountTimeout(resource, timeout);
            throw;
        }
        return Measured(held, resource, started);
    }

    private static IDisposable Measured(IDisposable held, string resource, long started)
    {
        var acquired = Stopwatch.GetTimestamp();
        PipelinesTelemetry.LockWaited(resource, Stopwatch.GetElapsedTime(started, acquired));
        return PipelinesTelemetry.LockHeld.Enabled ? new MeasuredLock(held, resource, acquired) : held;
    }

    /// <summary>The storage's own held lock behind one this type returned (which may measure it).</summary>
    public static IDisposable Inner(IDisposable held) => held is MeasuredLock measured ? measured.Held : held;

    /// <summary>A held lock that records how long it was held when it is released.</summary>
    private sealed class MeasuredLock(IDisposable held, string resource, long acquired) : IDisposable
    {
        private int _released;

        public IDisposable Held => held;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            held.Dispose();
            PipelinesTelemetry.LockReleased(resource, Stopwatch.GetElapsedTime(acquired));
        }
    }
}
