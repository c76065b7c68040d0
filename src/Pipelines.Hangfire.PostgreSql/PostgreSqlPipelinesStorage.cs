using System;
using System.Collections.Generic;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage;

namespace Pipelines.Hangfire;

/// <summary>
/// Hangfire.PostgreSql's storage, unchanged, that also takes the runtime's locks as advisory locks on its database
/// (<see cref="PostgreSqlAdvisoryLocks"/>) and commits the runtime's steps in one round trip on the lock's own session
/// (<see cref="PostgreSqlBatchTransaction"/>), reads what a step reads first in one round trip on that session
/// (<see cref="PostgreSqlHashReads"/>), and starts tries without the run's lock (<see cref="PostgreSqlHashSwap"/>). Built by <c>PipelinesStorage.PostgreSql</c>, which knows the connection string.
/// </summary>
internal sealed class PostgreSqlPipelinesStorage : PostgreSqlStorage, IPipelineLockStorage, IPipelineTransactionStorage, IPipelineSwapStorage, IPipelineReadStorage
{
    private readonly PostgreSqlAdvisoryLocks _locks;
    private readonly string _schema;
    private readonly PostgreSqlHashSwap _swap;
    private readonly PostgreSqlHashReads _reads;

    public PostgreSqlPipelinesStorage(string connectionString, PostgreSqlStorageOptions options)
        : base(new NpgsqlConnectionFactory(connectionString, options), options)
    {
        _locks = new PostgreSqlAdvisoryLocks(connectionString);
        _schema = options.SchemaName;
        _swap = new PostgreSqlHashSwap(_locks.DataSource, _schema);
        _reads = new PostgreSqlHashReads(_schema);
    }

    public IDisposable AcquirePipelineLock(string resource, TimeSpan timeout) => _locks.Acquire(resource, timeout);

    public bool TrySwapInHash(string lockResource, TimeSpan timeout, string key, string field, string expected, string value) =>
        _swap.TrySwap(lockResource, timeout, key, field, expected, value);

    public IReadOnlyDictionary<string, Dictionary<string, string>>? ReadHashes(IDisposable heldLock, IReadOnlyCollection<string> wholeKeys, IReadOnlyCollection<KeyValuePair<string, string>> fields) =>
        heldLock is PostgreSqlAdvisoryLocks.Held held ? _reads.Read(held.Connection, wholeKeys, fields) : null;

    public IWriteOnlyTransaction? CreatePipelineTransaction(IDisposable heldLock) =>
        heldLock is PostgreSqlAdvisoryLocks.Held held ? new PostgreSqlBatchTransaction(held, _schema) : null;
}
