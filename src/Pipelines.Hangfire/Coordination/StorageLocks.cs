using System;
using System.Diagnostics;
using Hangfire;
using Hangfire.Storage;

namespace Pipelines.Hangfire;

/// <summary>
/// Takes the runtime's locks: the storage's own when it offers one (<see cref="IPipelineLockStorage"/>, such as the
/// PostgreSQL advisory locks of Pipelines.Hangfire.PostgreSql, freed when their holder's connection dies), and
/// Hangfire's distributed lock everywhere else. Every lock wait is measured.
/// </summary>
internal static class StorageLocks
{
    public static IDisposable Acquire(JobStorage storage, IStorageConnection connection, string resource, TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        var held = storage is IPipelineLockStorage own
            ? own.AcquirePipelineLock(resource, timeout)
            : connection.AcquireDistributedLock(resource, timeout);
        PipelinesTelemetry.LockWaited(resource, Stopwatch.GetElapsedTime(started));
        return held;
    }
}
