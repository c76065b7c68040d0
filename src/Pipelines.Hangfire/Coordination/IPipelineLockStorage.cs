using System;
using Hangfire;
using Hangfire.Storage;

namespace Pipelines.Hangfire;

/// <summary>
/// A <see cref="JobStorage"/> that takes the runtime's own locks (a run's step, a pipeline's admission, the slot book)
/// itself, faster or safer than Hangfire's distributed lock on it. The runtime asks the storage it was given: a storage
/// package (Pipelines.Hangfire.PostgreSql) builds a storage that implements this, and every other storage gets
/// Hangfire's <see cref="IStorageConnection.AcquireDistributedLock"/>.
/// </summary>
/// <remarks>
/// The lock belongs to the database the storage talks to, so it travels with the storage object rather than beside it
/// in a container: every host, command and test that is given the storage gets its lock, and the two cannot disagree.
/// All holders of a resource must take it the same way; a lock of this kind does not exclude Hangfire's lock on the
/// same resource name.
/// </remarks>
public interface IPipelineLockStorage
{
    /// <summary>Takes the lock on <paramref name="resource"/>, waiting up to <paramref name="timeout"/>; disposing it releases it.</summary>
    /// <exception cref="DistributedLockTimeoutException">The lock was not free within the timeout.</exception>
    IDisposable AcquirePipelineLock(string resource, TimeSpan timeout);
}
