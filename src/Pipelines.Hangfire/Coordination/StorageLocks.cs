using System;
using System.Diagnostics;
using System.Threading;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.Storage;

namespace Pipelines.Hangfire;

/// <summary>
/// Takes the runtime's locks. On a PostgreSQL storage registered through <see cref="PipelinesStorage"/> they are session
/// advisory locks (<see cref="PostgreSqlAdvisoryLocks"/>), freed when their holder's connection dies. Elsewhere they are
/// Hangfire distributed locks: most storages wait for a lock efficiently, and get the plain call.
/// Hangfire.PostgreSql's lock is a row it retries after sleeping <c>min(1 s, time left)</c>, so a waiter sleeps a whole
/// second even when the lock frees a millisecond later, and a run's lock, which every task start and end takes, would
/// spend most of a busy fan-out idle. There each try is a single attempt (timeout zero), and the waits between
/// attempts double from 1 ms to 100 ms (plus up to as much again at random), until the caller's timeout. Measured on a
/// 1,000-task fan-out: a 25 ms cap had ten waiters hammering the lock table (18 tasks/s), 100 ms gave 76-94 tasks/s.
/// </summary>
internal static class StorageLocks
{
    private const int FirstWaitMs = 1;
    private const int LongestWaitMs = 100;

    public static IDisposable Acquire(JobStorage storage, IStorageConnection connection, string resource, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        var held = AcquireUntimed(storage, connection, resource, timeout);
        PipelinesTelemetry.LockWaited(resource, Stopwatch.GetElapsedTime(started));
        return held;
    }

    private static IDisposable AcquireUntimed(JobStorage storage, IStorageConnection connection, string resource, TimeSpan timeout)
    {
        if (PostgreSqlAdvisoryLocks.For(storage) is { } advisory) return advisory.Acquire(resource, timeout);
        if (storage is not PostgreSqlStorage) return connection.AcquireDistributedLock(resource, timeout);

        var waited = Stopwatch.StartNew();
        var wait = FirstWaitMs;
        while (true)
        {
            try
            {
                return connection.AcquireDistributedLock(resource, TimeSpan.Zero);
            }
            catch (DistributedLockTimeoutException) when (waited.Elapsed < timeout)
            {
                Thread.Sleep(wait + Random.Shared.Next(wait + 1));
                wait = Math.Min(LongestWaitMs, wait * 2);
            }
        }
    }
}
