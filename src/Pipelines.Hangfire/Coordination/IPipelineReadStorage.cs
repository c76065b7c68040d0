using System;
using System.Collections.Generic;
using Hangfire;

namespace Pipelines.Hangfire;

/// <summary>
/// A <see cref="JobStorage"/> that reads what a coordination step reads first (the run's record, the pause, the records
/// and counts of the tasks it touches) in the same round trip that takes the step's lock, instead of one round trip per
/// hash or field after it (<see cref="StepReads"/>). The runtime asks the storage it was given, as it does for locks:
/// Pipelines.Hangfire.PostgreSql's storage implements this, and every other storage is read through Hangfire's
/// connection once its lock is held.
/// </summary>
public interface IPipelineReadStorage : IPipelineLockStorage
{
    /// <summary>
    /// Takes the lock on <paramref name="resource"/> as <see cref="IPipelineLockStorage.AcquirePipelineLock"/> does, and
    /// once it is granted reads every field of the hashes <paramref name="wholeKeys"/> and the named
    /// <paramref name="fields"/> (key and field) of others, by key and field (a field the storage does not hold is absent).
    /// <paramref name="writeFirst"/>, when given, is written in the first round trip, before the lock is asked for, and
    /// committed with it whether or not the lock is free then (a try's result, kept before its step waits): it is kept
    /// when this returns or throws <see cref="global::Hangfire.Storage.DistributedLockTimeoutException"/> after waiting;
    /// any other failure may have lost it. An implementation must not ignore it.
    /// </summary>
    /// <exception cref="global::Hangfire.Storage.DistributedLockTimeoutException">The lock was not free within the timeout.</exception>
    IDisposable AcquirePipelineLockAndRead(string resource, TimeSpan timeout, IReadOnlyCollection<string> wholeKeys, IReadOnlyCollection<KeyValuePair<string, string>> fields,
        HashFieldWrite? writeFirst, out IReadOnlyDictionary<string, Dictionary<string, string>> read);
}
