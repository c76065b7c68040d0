using System;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage;
using Npgsql;

namespace Pipelines.Hangfire;

/// <summary>
/// Hangfire.PostgreSql's storage, unchanged, that also takes the runtime's locks as advisory locks on its database
/// (<see cref="PostgreSqlAdvisoryLocks"/>) and commits the runtime's steps in one round trip
/// (<see cref="PostgreSqlBatchTransaction"/>), both through a data source of its own on the same database. Built by
/// <c>PipelinesStorage.PostgreSql</c>, which knows the connection string.
/// </summary>
internal sealed class PostgreSqlPipelinesStorage : PostgreSqlStorage, IPipelineLockStorage, IPipelineTransactionStorage
{
    private readonly PostgreSqlAdvisoryLocks _locks;
    private readonly NpgsqlDataSource _writes;
    private readonly string _schema;

    public PostgreSqlPipelinesStorage(string connectionString, PostgreSqlStorageOptions options)
        : base(new NpgsqlConnectionFactory(connectionString, options), options)
    {
        _locks = new PostgreSqlAdvisoryLocks(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = "pipelines", Enlist = false };
        _writes = NpgsqlDataSource.Create(builder.ConnectionString);
        _schema = options.SchemaName;
    }

    public IDisposable AcquirePipelineLock(string resource, TimeSpan timeout) => _locks.Acquire(resource, timeout);

    public IWriteOnlyTransaction CreatePipelineTransaction() => new PostgreSqlBatchTransaction(_writes, _schema);
}
