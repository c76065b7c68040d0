using System;
using Hangfire;
using Hangfire.Storage;

namespace Pipelines.Hangfire;

/// <summary>
/// A <see cref="JobStorage"/> that commits the runtime's own writes (a coordination step's task records, counts, run
/// state, sets, notification lists and job history entries) faster than Hangfire's transaction on it, as one batch. The
/// runtime asks the storage it was given, as it does for locks (<see cref="IPipelineLockStorage"/>): a storage package
/// (Pipelines.Hangfire.PostgreSql) builds a storage that implements this, and every other storage gets Hangfire's
/// <see cref="IStorageConnection.CreateWriteTransaction"/>.
/// </summary>
/// <remarks>
/// The transaction must write exactly what Hangfire's would, in the same tables, all or nothing, so that Hangfire's own
/// reads (the dashboard, the storage's connection) and the runtime's see one state whichever wrote it. It supports the
/// operations the runtime's steps use; Hangfire's job operations (creating, enqueueing, expiring jobs) stay Hangfire's.
/// </remarks>
public interface IPipelineTransactionStorage
{
    /// <summary>
    /// A write transaction for the runtime's own writes, committed as one batch, for a caller holding
    /// <paramref name="heldLock"/> (taken from this storage's <see cref="IPipelineLockStorage"/>): a storage whose lock
    /// lives in a database session commits on that session, so a commit whose lock was lost fails instead of landing
    /// beside another holder's. Its commit may release the lock in the same round trip (a commit ends a step): the
    /// caller does nothing under the lock after committing, and still disposes the lock. Null when the storage cannot
    /// (another kind of lock): the caller uses Hangfire's.
    /// </summary>
    IWriteOnlyTransaction? CreatePipelineTransaction(IDisposable heldLock);
}
