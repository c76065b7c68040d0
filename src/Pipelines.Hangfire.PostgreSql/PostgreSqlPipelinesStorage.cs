using System;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage;

namespace Pipelines.Hangfire;

/// <summary>
/// Hangfire.PostgreSql's storage, unchanged, that also takes the runtime's locks as advisory locks on its database
/// (<see cref="PostgreSqlAdvisoryLocks"/>) and commits the runtime's steps in one round trip on the lock's own session
/// (<see cref="PostgreSqlBatchTransaction"/>). Built by <c>PipelinesStorage.PostgreSql</c>, which knows the connection string.
/// </summary>
internal sealed class PostgreSqlPipelinesStorage : PostgreSqlStorage, IPipelineLockStorage, IPipelineTransactionStorage
{
    private readonly PostgreSqlAdvisoryLocks _locks;
    private readonly string _schema;

    public PostgreSqlPipelinesStorage(string connectionString, PostgreSqlStorageOptions options)
        : base(new NpgsqlConnectionFactory(connectionString, options), options)
    {
        _locks = new PostgreSqlAdvisoryLocks(connectionString);
        _schema = options.SchemaName;
    }

    public IDisposable AcquirePipelineLock(string resource, TimeSpan timeout) => _locks.Acquire(resource, timeout);

    public IWriteOnlyTransaction? CreatePipelineTransaction(IDisposable heldLock) =>
        heldLock is PostgreSqlAdvisoryLocks.Held held ? new PostgreSqlBatchTransaction(held.Connection, _schema) : null;
}
