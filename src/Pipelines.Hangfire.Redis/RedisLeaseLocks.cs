using System;
using System.Diagnostics;
using System.Threading;
using Hangfire.Storage;
using StackExchange.Redis;

namespace Pipelines.Hangfire;

/// <summary>
/// The runtime's locks on Redis: a key set only if absent (<c>SET NX PX</c>) holding a token of this holder, leased for
/// 30 seconds and renewed every 10 while held, released only by its holder (a script compares the token). A holder that
/// dies loses the lock when its lease runs out, within 30 seconds.
/// </summary>
/// <remarks>
/// Hangfire.Redis's own lock treats a key already held in the current async flow as held by the caller (re-entrancy
/// through an <c>AsyncLocal</c> dictionary). That dictionary is one object shared by every thread whose execution
/// context was captured after the first lock was taken in it, such as workers started after a host's synchronous start-up
/// took Hangfire's recurring-job lock; such workers would not exclude each other. These locks are not re-entrant, which
/// the runtime does not need (it never takes a lock it holds, as with PostgreSQL's advisory locks on their own sessions).
/// A waiter polls, with waits doubling from 1 ms to 100 ms plus as much again at random, until its timeout (the
/// runtime spec's 100-task fan-out took 2 s with these locks and 7 s with Hangfire.Redis's, on a busy 2-core machine).
/// </remarks>
internal sealed class RedisLeaseLocks(IConnectionMultiplexer redis, string prefix, int database)
{
    private static readonly TimeSpan s_lease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_renewEvery = TimeSpan.FromSeconds(10);
    private const int FirstWaitMs = 1;
    private const int LongestWaitMs = 100;

    private const string RenewScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
    private const string ReleaseScript = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

    /// <summary>Takes the lock on <paramref name="resource"/>, waiting up to <paramref name="timeout"/>.</summary>
    /// <exception cref="DistributedLockTimeoutException">The lock was not free within the timeout.</exception>
    public IDisposable Acquire(string resource, TimeSpan timeout)
    {
        var db = redis.GetDatabase(database);
        RedisKey key = prefix + "pipelines-lock:" + resource;
        RedisValue token = Guid.NewGuid().ToString("N");
        var waited = Stopwatch.StartNew();
        var wait = FirstWaitMs;
        while (!db.StringSet(key, token, s_lease, When.NotExists))
        {
            var left = timeout - waited.Elapsed;
            if (left <= TimeSpan.Zero) throw new DistributedLockTimeoutException(resource);
            Thread.Sleep(TimeSpan.FromMilliseconds(Math.Min(left.TotalMilliseconds, wait + Random.Shared.Next(wait + 1))));
            wait = Math.Min(LongestWaitMs, wait * 2);
        }
        return new Held(db, key, token);
    }

    private sealed class Held : IDisposable
    {
        private readonly IDatabase _db;
        private readonly RedisKey _key;
        private readonly RedisValue _token;
        private readonly Timer _renewal;
        private int _released;

        public Held(IDatabase db, RedisKey key, RedisValue token)
        {
            _db = db;
            _key = key;
            _token = token;
            _renewal = new Timer(_ => Renew(), null, s_renewEvery, s_renewEvery);
        }

        private void Renew()
        {
            try
            {
                _db.ScriptEvaluate(RenewScript, [_key], [_token, (long)s_lease.TotalMilliseconds], CommandFlags.FireAndForget);
            }
            catch (RedisException)
            {
                // The next tick tries again; a lease that runs out frees the lock as a dead holder's would.
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 1) return;
            _renewal.Dispose();
            try
            {
                _db.ScriptEvaluate(ReleaseScript, [_key], [_token]);
            }
            catch (RedisException)
            {
                // Unreachable Redis: the lease frees the lock within 30 seconds.
            }
        }
    }
}
