using System;
using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;

namespace Pipelines.Hangfire;

/// <summary>Hangfire storages configured for pipelines: the embedded in-memory default and durable PostgreSQL.</summary>
public static class PipelinesStorage
{
    /// <summary>
    /// Hangfire.InMemory for development and single-process use. Everything is lost when the process ends; a fetched job
    /// is not re-queued after a crash. Pipeline state never expires in it (its keys carry no expiry).
    /// </summary>
    public static IGlobalConfiguration UsePipelinesInMemoryStorage(this IGlobalConfiguration configuration) =>
        configuration.UseInMemoryStorage(new InMemoryStorageOptions());

    /// <summary>
    /// Hangfire.PostgreSql tuned for task-to-task latency: short queue polling, a sliding invisibility timeout (so a long
    /// task is not fetched twice) and prepared schema. Several servers on one database share pipeline state.
    /// </summary>
    /// <param name="configuration">Hangfire's configuration.</param>
    /// <param name="connectionString">An Npgsql connection string.</param>
    public static IGlobalConfiguration UsePipelinesPostgreSqlStorage(this IGlobalConfiguration configuration, string connectionString) =>
        configuration.UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connectionString), PostgreSqlOptions());

    /// <summary>The PostgreSQL storage options pipelines use.</summary>
    public static PostgreSqlStorageOptions PostgreSqlOptions() => new()
    {
        QueuePollInterval = TimeSpan.FromMilliseconds(200),
        UseSlidingInvisibilityTimeout = true,
        InvisibilityTimeout = TimeSpan.FromMinutes(5),
        // A lock row older than this is taken over by the next waiter. A run's lock is held while a step creates its
        // jobs (a few milliseconds each on PostgreSQL), so a fan-out of tens of thousands of tasks holds it for minutes:
        // one minute would let a waiter steal it midway. Ten (Hangfire.PostgreSql's default) is what a crashed
        // holder costs at most.
        DistributedLockTimeout = TimeSpan.FromMinutes(10),
        PrepareSchemaIfNecessary = true,
        EnableLongPolling = true,
    };
}
