using System;
using Hangfire;
using Hangfire.Storage;

namespace Pipelines.Hangfire;

/// <summary>
/// Opens the runtime's write transactions: the storage's own batch when it offers one
/// (<see cref="IPipelineTransactionStorage"/>, such as one round trip on PostgreSQL, on the session that holds the lock,
/// instead of one per hash field), and Hangfire's transaction on the step's connection everywhere else.
/// </summary>
internal static class StorageWrites
{
    public static IWriteOnlyTransaction Begin(JobStorage storage, IStorageConnection connection, IDisposable heldLock) =>
        (storage as IPipelineTransactionStorage)?.CreatePipelineTransaction(StorageLocks.Inner(heldLock)) ?? connection.CreateWriteTransaction();
}
