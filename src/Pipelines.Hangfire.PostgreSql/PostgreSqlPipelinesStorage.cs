using System;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;

namespace Pipelines.Hangfire;

/// <summary>
/// Hangfire.PostgreSql's storage, unchanged, that also takes the runtime's locks as advisory locks on its database
/// (<see cref="PostgreSqlAdvisoryLocks"/>). Built by <c>PipelinesStorage.PostgreSql</c>, which knows the connection string.
/// </summary>
internal sealed class PostgreSqlPipelinesStorage : PostgreSqlStorage, IPipelineLockStorage
{
    private readonly PostgreSqlAdvisoryLocks _locks;

    public PostgreSqlPipelinesStorage(string connectionString, PostgreSqlStorageOptions options)
        : base(new NpgsqlConnectionFactory(connectionString, options), options) =>
        _locks = new PostgreSqlAdvisoryLocks(connectionString);

    public IDisposable AcquirePipelineLock(string resource, TimeSpan timeout) => _locks.Acquire(resource, timeout);
}
