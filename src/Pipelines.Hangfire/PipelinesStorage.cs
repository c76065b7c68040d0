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
    /// Hangfire.PostgreSql tuned for task-to-task latency and recovery: short queue polling, a sliding invisibility timeout
    /// (a live worker keeps its job invisible, a dead one's job is delivered again within 30 seconds) and prepared schema.
    /// The runtime's own locks are PostgreSQL advisory locks on the same database, freed the moment their holder dies.
    /// Several servers on one database share pipeline state.
    /// </summary>
    /// <param name="configuration">Hangfire's configuration.</param>
    /// <param name="connectionString">An Npgsql connection string.</param>
    public static IGlobalConfiguration UsePipelinesPostgreSqlStorage(this IGlobalConfiguration configuration, string connectionString) =>
        configuration.UseStorage(PostgreSql(connectionString));

    /// <summary>
    /// The PostgreSQL storage pipelines use, for code that builds its storage itself (a <c>BackgroundJobServer</c> of its
    /// own, tests): Hangfire.PostgreSql with <see cref="PostgreSqlOptions"/>, and the runtime's advisory locks registered for it.
    /// </summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    public static PostgreSqlStorage PostgreSql(string connectionString)
    {
        var options = PostgreSqlOptions();
        var storage = new PostgreSqlStorage(new global::Hangfire.PostgreSql.Factories.NpgsqlConnectionFactory(connectionString, options), options);
        PostgreSqlAdvisoryLocks.Register(storage, connectionString);
        return storage;
    }

    /// <summary>The PostgreSQL storage options pipelines use.</summary>
    public static PostgreSqlStorageOptions PostgreSqlOptions() => new()
    {
        QueuePollInterval = TimeSpan.FromMilliseconds(200),
        // A live worker refreshes its job's fetch time every InvisibilityTimeout / 5; a job whose worker died is fetched
        // again once its fetch time is this old. Thirty seconds bounds the recovery of a killed server's tries.
        UseSlidingInvisibilityTimeout = true,
        InvisibilityTimeout = TimeSpan.FromSeconds(30),
        // Hangfire's own lock rows (job state changes, the recurring job scheduler) are held for milliseconds; one whose
        // holder died is taken over after this long. The runtime's run and pipeline locks are advisory locks instead.
        DistributedLockTimeout = TimeSpan.FromSeconds(30),
        PrepareSchemaIfNecessary = true,
        EnableLongPolling = true,
    };
}
