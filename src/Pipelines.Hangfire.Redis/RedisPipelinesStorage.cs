using System;
using Hangfire.Redis.StackExchange;
using StackExchange.Redis;

namespace Pipelines.Hangfire;

/// <summary>
/// Hangfire.Redis.StackExchange's storage, unchanged, that also takes the runtime's locks as lease keys
/// (<see cref="RedisLeaseLocks"/>) on the same connection and under the same prefix. Built by <c>PipelinesStorage.Redis</c>.
/// </summary>
internal sealed class RedisPipelinesStorage : RedisStorage, IPipelineLockStorage
{
    private readonly RedisLeaseLocks _locks;

    public RedisPipelinesStorage(IConnectionMultiplexer redis, RedisStorageOptions options)
        : base(redis, options) =>
        _locks = new RedisLeaseLocks(redis, options.Prefix, options.Db);

    public IDisposable AcquirePipelineLock(string resource, TimeSpan timeout) => _locks.Acquire(resource, timeout);
}
