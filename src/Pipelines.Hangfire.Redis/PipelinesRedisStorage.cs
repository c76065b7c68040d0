using System;
using Hangfire;
using Hangfire.Redis.StackExchange;
using StackExchange.Redis;

namespace Pipelines.Hangfire;

/// <summary>
/// Redis as pipelines' storage: <c>UsePipelinesRedisStorage</c> on Hangfire's configuration, and
/// <c>PipelinesStorage.Redis</c> / <c>PipelinesStorage.RedisOptions</c> beside the in-memory default. Pipeline state
/// (runs, task instances, outputs) lives in the same Redis as Hangfire's jobs; several servers on one Redis share it.
/// </summary>
/// <remarks>
/// The runtime's own locks are lease keys of its own (<see cref="RedisLeaseLocks"/>), freed within 30 seconds of their
/// holder's death. Redis keeps its data as durably as it is configured to (snapshots by default, an append-only file when turned on).
/// A job whose server died is delivered again once <see cref="RedisStorageOptions.InvisibilityTimeout"/> has passed
/// since it was fetched (30 minutes by default): Hangfire.Redis has no sliding invisibility, so a shorter timeout also
/// delivers long tasks again while they run, which the runtime absorbs (a try's heartbeat keeps a redelivery from
/// running it twice) at the cost of a wasted fetch.
/// </remarks>
public static class PipelinesRedisStorage
{
    /// <summary>Hangfire.Redis.StackExchange with <c>PipelinesStorage.RedisOptions()</c>.</summary>
    /// <param name="configuration">Hangfire's configuration.</param>
    /// <param name="redis">A StackExchange.Redis configuration string, such as <c>localhost:6379</c>.</param>
    /// <param name="prefix">The prefix of every key, so several apps can share one Redis; Hangfire.Redis's own when null.</param>
    /// <example><code>
    /// services.AddHangfire(c => c.UsePipelinesRedisStorage("redis.internal:6379,password=...", prefix: "nightly:"));
    /// </code></example>
    public static IGlobalConfiguration UsePipelinesRedisStorage(this IGlobalConfiguration configuration, string redis, string? prefix = null) =>
        configuration.UseStorage(PipelinesStorage.Redis(redis, prefix));

    extension(PipelinesStorage)
    {
        /// <summary>
        /// The Redis storage pipelines use, for code that builds its storage itself (a <c>BackgroundJobServer</c> of its
        /// own, tests): Hangfire.Redis.StackExchange with <c>RedisOptions()</c>.
        /// </summary>
        /// <param name="redis">A StackExchange.Redis configuration string, such as <c>localhost:6379</c>.</param>
        /// <param name="prefix">The prefix of every key; Hangfire.Redis's own when null.</param>
        public static RedisStorage Redis(string redis, string? prefix = null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(redis);
            var options = PipelinesStorage.RedisOptions();
            if (prefix is not null) options.Prefix = prefix;
            return new RedisPipelinesStorage(ConnectionMultiplexer.Connect(redis), options);
        }

        /// <summary>
        /// The Redis storage options pipelines use: Hangfire.Redis's defaults, which the runtime needs no change to (new jobs
        /// wake fetchers through Redis pub/sub, so there is no polling interval to shorten; state keys carry no expiry).
        /// </summary>
        public static RedisStorageOptions RedisOptions() => new();
    }
}
