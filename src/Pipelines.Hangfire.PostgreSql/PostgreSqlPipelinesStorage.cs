using System;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage;

namespace Pipelines.Hangfire;

/// <summary>
/// Hangfire.PostgreSql's storage, unchanged, that also takes the runtime's locks as advisory locks on its database
/// (<see cref="PostgreSqlAdvisoryLocks"/>) and commits the runtime's steps in one round trip on the lock's own session
/// (<see cref="PostgreSqlBatchTransaction"/>), and starts tries without the run's lock (<see cref="PostgreSqlHashSwap"/>). Built by <c>PipelinesStorage.PostgreSql</c>, which knows the connection string.
/// </summary>
internal sealed class PostgreSqlPipelinesStorage : PostgreSqlStorage, IPipelineLockStorage, IPipelineTransactionStorage, IPipelineSwapStorage
{
    private readonly PostgreSqlAdvisoryLocks _locks;
    private readonly string _schema;
    private readonly PostgreSqlHashSwap _swap;

    public PostgreSqlPipelinesStorage(string connectionString, PostgreSqlStorageOptions options)
        : base(new NpgsqlConnectionFactory(connectionString, options), options)
    {
        _locks = new PostgreSqlAdvisoryLocks(connectionString);
        _schema = options.SchemaName;
        _swap = new PostgreSqlHashSwap(_locks.DataSource, _schema);
    }

    public IDisposable AcquirePipelineLock(string resource, TimeSpan timeout) => _locks.Acquire(resource, timeout);

    public bool TrySwapInHash(string lockResource, string key, string field, string expected, string value) =>
        _swap.TrySwap(lockResource, key, field, expected, value);

    public IWriteOnlyTransaction? CreatePipelineTransaction(IDisposable heldLock) =>
        heldLock is PostgreSqlAdvisoryLocks.Held held ? new PostgreSqlBatchTransaction(held, _schema) : null;
}
