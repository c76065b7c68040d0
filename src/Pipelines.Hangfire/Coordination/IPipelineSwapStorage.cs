using Hangfire;

namespace Pipelines.Hangfire;

/// <summary>
/// A <see cref="JobStorage"/> that can change one hash field without the lock that guards it: the new value replaces the
/// old only when the field still holds the value the caller read, and only while no holder of the lock
/// (<see cref="IPipelineLockStorage.AcquirePipelineLock"/>) holds it, as one atomic action. A try's start uses it to turn
/// its own record from waiting to running without the run's lock (<see cref="UnlockedStart"/>), so the starts of a run's
/// tasks wait neither for each other nor for its steps. The runtime asks the storage it was given, as it does for locks:
/// Pipelines.Hangfire.PostgreSql's storage implements this, and on every other storage a try's start takes the run's lock.
/// </summary>
/// <remarks>
/// The lock condition is what makes this safe beside locked steps: a step holding the run's lock reads records and writes
/// them at its commit, assuming nothing else writes the run meanwhile. A swap therefore fails while the lock is held (the
/// caller then takes the lock itself), and a step that asks for the lock while a swap runs waits for it, then reads what
/// the swap wrote.
/// </remarks>
public interface IPipelineSwapStorage
{
    /// <summary>
    /// Sets <paramref name="field"/> of hash <paramref name="key"/> to <paramref name="value"/> if it holds exactly
    /// <paramref name="expected"/> and nobody holds <paramref name="lockResource"/> at that moment; false, changing
    /// nothing, when either is not so.
    /// </summary>
    bool TrySwapInHash(string lockResource, string key, string field, string expected, string value);
}
