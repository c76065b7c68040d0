using System;
using Hangfire;
using Hangfire.PostgreSql;

namespace Pipelines.Hangfire;

/// <summary>
/// PostgreSQL as pipelines' durable storage: <c>UsePipelinesPostgreSqlStorage</c> on Hangfire's configuration, and
/// <c>PipelinesStorage.PostgreSql</c> / <c>PipelinesStorage.PostgreSqlOptions</c> beside the in-memory default.
/// </summary>
public static class PipelinesPostgreSqlStorage
{
    /// <summary>
    /// Hangfire.PostgreSql tuned for task-to-task latency and recovery: short queue polling, a sliding invisibility timeout
    /// (a live worker keeps its job invisible, a dead one's job is delivered again within 30 seconds) and prepared schema.
    /// The runtime's own locks are PostgreSQL advisory locks on the same database, freed the moment their holder dies.
    /// Several servers on one database share pipeline state.
    /// </summary>
    /// <param name="configuration">Hangfire's configuration.</param>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <example><code>
    /// services.AddHangfire(c => c.UsePipelinesPostgreSqlStorage(builder.Configuration.GetConnectionString("pipelines")!));
    /// </code></example>
    public static IGlobalConfiguration UsePipelinesPostgreSqlStorage(this IGlobalConfiguration configuration, string connectionString) =>
        configuration.UseStorage(PipelinesStorage.PostgreSql(connectionString));

    extension(PipelinesStorage)
    {
        /// <summary>
        /// The PostgreSQL storage pipelines use, for code that builds its storage itself (a <c>BackgroundJobServer</c> of its
        /// own, tests): Hangfire.PostgreSql with <c>PostgreSqlOptions()</c>, taking the runtime's locks as advisory locks.
        /// </summary>
        /// <param name="connectionString">An Npgsql connection string.</param>
        public static PostgreSqlStorage PostgreSql(string connectionString) =>
            new PostgreSqlPipelinesStorage(connectionString, PipelinesStorage.PostgreSqlOptions());

        /// <summary>The PostgreSQL storage options pipelines use (idle workers are woken by <c>PostgreSql(...)</c>'s storage, and poll every 200 ms besides).</summary>
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
            // Not Hangfire.PostgreSql's long polling, which opens a LISTEN connection for every fetch and cancels its wait
            // once a job is found: Npgsql can deadlock cancelling it (npgsql/npgsql#5975), and workers held fetched jobs
            // for 12 to over 30 s while the others idled. The storage built by PostgreSql(...) wakes idle workers itself,
            // with one listening connection per storage and no cancelled wait (PostgreSqlJobArrivals); the poll above is
            // its fallback. A storage built from these options alone polls.
            EnableLongPolling = false,
        };
    }
}
