using System;
using System.Collections.Generic;
using Hangfire;

namespace Pipelines.Hangfire;

/// <summary>
/// A <see cref="JobStorage"/> that can change one hash field beside the lock that guards it, without excluding others who
/// do the same: a swap (<see cref="BeginSwap"/>) waits while a holder of the lock
/// (<see cref="IPipelineLockStorage.AcquirePipelineLock"/>) holds it, keeps the holders out until it ends, reads what it
/// judges by, and replaces a field's value only when it still holds the value read. A try's start uses it to turn its own
/// record from waiting to running (<see cref="UnlockedStart"/>), so the starts of a run's tasks never wait for each
/// other, only for a step in progress. The runtime asks the storage it was given, as it does for locks:
/// Pipelines.Hangfire.PostgreSql's storage implements this (a shared advisory lock), the runtime does for Hangfire.InMemory's
/// (<see cref="ProcessSwaps"/>, a shared process lock), and on every other storage a try's start takes the run's lock.
/// </summary>
/// <remarks>
/// Keeping the lock's holders out is what makes this safe beside locked steps: a step holding the run's lock reads
/// records and writes them at its commit, assuming nothing else writes the run meanwhile; and a swap reads what the last
/// step committed, as a step would.
/// </remarks>
public interface IPipelineSwapStorage
{
    /// <summary>
    /// Waits up to <paramref name="timeout"/> until nobody holds <paramref name="lockResource"/>, keeps its holders out
    /// from then until the returned swap is disposed or done, and reads the hashes named by <paramref name="wholeKeys"/>
    /// whole and the named <paramref name="fields"/> (key and field), by key and field (a field the storage does not hold
    /// is absent, and so is a hash it does not hold).
    /// </summary>
    /// <exception cref="global::Hangfire.Storage.DistributedLockTimeoutException">The lock was held longer than the timeout.</exception>
    IPipelineSwap BeginSwap(string lockResource, TimeSpan timeout, IReadOnlyCollection<string> wholeKeys, IReadOnlyCollection<KeyValuePair<string, string>> fields,
        out IReadOnlyDictionary<string, Dictionary<string, string>> read);
}
