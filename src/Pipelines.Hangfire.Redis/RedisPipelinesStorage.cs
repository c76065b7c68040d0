using System;
using System.Collections.Generic;
using System.Linq;
using Hangfire.Redis.StackExchange;
using StackExchange.Redis;

namespace Pipelines.Hangfire;

/// <summary>
/// Hangfire.Redis.StackExchange's storage, unchanged, that also takes the runtime's locks as lease keys
/// (<see cref="RedisLeaseLocks"/>) on the same connection and under the same prefix, and reads a list of runs' hashes in one
/// transaction (<c>MULTI</c>, an <c>HGETALL</c> per hash, <c>EXEC</c>: one round trip, as of one moment). Built by
/// <c>PipelinesStorage.Redis</c>.
/// </summary>
internal sealed class RedisPipelinesStorage : RedisStorage, IPipelineLockStorage, IPipelineHashReadStorage
{
    private readonly RedisLeaseLocks _locks;
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisStorageOptions _options;

    public RedisPipelinesStorage(IConnectionMultiplexer redis, RedisStorageOptions options)
        : base(redis, options)
    {
        _locks = new RedisLeaseLocks(redis, options.Prefix, options.Db);
        _redis = redis;
        _options = options;
    }

    public IDisposable AcquirePipelineLock(string resource, TimeSpan timeout) => _locks.Acquire(resource, timeout);

    public IReadOnlyDictionary<string, Dictionary<string, string>> ReadHashes(IReadOnlyCollection<string> keys)
    {
        var read = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        if (keys.Count == 0) return read;
        var db = _redis.GetDatabase(_options.Db);
        var transaction = db.CreateTransaction();
        // Each key as Hangfire.Redis names it (its prefix, then the key), read as its GetAllEntriesFromHash reads it.
        var entries = keys.Distinct(StringComparer.Ordinal).Select(key => (Key: key, Entries: transaction.HashGetAllAsync(_options.Prefix + key))).ToList();
        transaction.Execute();
        foreach (var (key, pending) in entries)
        {
            var fields = transaction.Wait(pending);
            if (fields.Length > 0) read[key] = fields.ToDictionary(f => (string)f.Name!, f => (string)f.Value!, StringComparer.Ordinal);
        }
        return read;
    }
}
