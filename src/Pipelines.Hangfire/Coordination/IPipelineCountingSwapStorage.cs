using System;
using System.Collections.Generic;
using Hangfire;

namespace Pipelines.Hangfire;

/// <summary>
/// A <see cref="JobStorage"/> whose swaps beside a run's lock (as <see cref="IPipelineSwapStorage"/>'s) can also add to
/// count fields, atomically against each other: a try's end that changes nothing but its own record and its downstream
/// tasks' counts (<see cref="UnlockedEnd"/>) is applied without the run's lock, so the ends of a run's tasks never wait for
/// each other, only for a step in progress, on one server or many, and each end learns the counts its addition left, which
/// tells the end that completes a join. Pipelines.Hangfire.PostgreSql's storage implements it (row-locked upserts under a
/// shared advisory lock); on every other storage a try's end takes the run's lock.
/// </summary>
public interface IPipelineCountingSwapStorage
{
    /// <summary>
    /// As <see cref="IPipelineSwapStorage.BeginSwap"/>: waits up to <paramref name="timeout"/> until nobody holds
    /// <paramref name="lockResource"/>, keeps its holders out until the returned swap is disposed or done, and reads the
    /// hashes <paramref name="wholeKeys"/> whole and the named <paramref name="fields"/>. <paramref name="writeFirst"/>, when
    /// given, is written and committed before the wait, as <see cref="IPipelineReadStorage.AcquirePipelineLockAndRead"/>
    /// writes it: it is kept when this returns or throws <see cref="global::Hangfire.Storage.DistributedLockTimeoutException"/>.
    /// </summary>
    /// <exception cref="global::Hangfire.Storage.DistributedLockTimeoutException">The lock was held longer than the timeout.</exception>
    IPipelineCountingSwap BeginCountingSwap(string lockResource, TimeSpan timeout, IReadOnlyCollection<string> wholeKeys, IReadOnlyCollection<KeyValuePair<string, string>> fields,
        HashFieldWrite? writeFirst, out IReadOnlyDictionary<string, Dictionary<string, string>> read);
}
