using Hangfire;

namespace Pipelines.Hangfire;

/// <summary>
/// A <see cref="JobStorage"/> that can change one hash field outside the lock that guards it, without excluding others
/// who do the same: the swap waits while a holder of the lock (<see cref="IPipelineLockStorage.AcquirePipelineLock"/>)
/// holds it, keeps the holders out while it runs, and replaces the value only when the field still holds the value the
/// caller read, as one atomic action. A try's start uses it to turn its own record from waiting to running
/// (<see cref="UnlockedStart"/>), so the starts of a run's tasks never wait for each other, only for a step in progress.
/// The runtime asks the storage it was given, as it does for locks: Pipelines.Hangfire.PostgreSql's storage implements
/// this (a shared advisory lock), and on every other storage a try's start takes the run's lock.
/// </summary>
/// <remarks>
/// Keeping the lock's holders out is what makes this safe beside locked steps: a step holding the run's lock reads
/// records and writes them at its commit, assuming nothing else writes the run meanwhile.
/// </remarks>
public interface IPipelineSwapStorage
{
    /// <summary>
    /// Waits up to <paramref name="timeout"/> until nobody holds <paramref name="lockResource"/>, then, keeping holders out,
    /// sets <paramref name="field"/> of hash <paramref name="key"/> to <paramref name="value"/> if it holds exactly
    /// <paramref name="expected"/>; false, changing nothing, when it holds anything else.
    /// </summary>
    /// <exception cref="global::Hangfire.Storage.DistributedLockTimeoutException">The lock was held longer than the timeout.</exception>
    bool TrySwapInHash(string lockResource, System.TimeSpan timeout, string key, string field, string expected, string value);
}
