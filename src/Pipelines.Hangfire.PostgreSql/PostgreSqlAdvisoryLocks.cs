using System;
using System.Globalization;
using Hangfire.Storage;
using Npgsql;

namespace Pipelines.Hangfire;

/// <summary>
/// The runtime's locks on PostgreSQL: session advisory locks on the same database as Hangfire's tables, taken on a
/// connection held for as long as the lock is. PostgreSQL releases a session's advisory locks when the session ends, so a
/// lock whose holder dies (a server killed with SIGKILL, a machine lost) is free as soon as its connection is gone, instead
/// of after Hangfire.PostgreSql's lock-row timeout (a crashed holder used to stall every step of its run for ten minutes).
/// A waiter blocks in the server and is woken the moment the lock is released (no polling); <c>lock_timeout</c> bounds
/// the wait.
/// </summary>
/// <remarks>
/// Hangfire.PostgreSql's own lock is a row it retries after sleeping <c>min(1 s, time left)</c>, so a waiter sleeps a
/// whole second even when the lock frees a millisecond later, and a run's lock, which every task start and end takes,
/// would spend most of a busy fan-out idle (measured on a 1,000-task fan-out: 18 to 94 tasks/s depending on how the
/// waits were polled). A PostgreSQL storage built without <c>PipelinesStorage.PostgreSql</c> keeps that lock: every
/// process on one database must build its storage the same way, since an advisory lock does not exclude a lock row.
/// </remarks>
internal sealed class PostgreSqlAdvisoryLocks
{
    private static readonly string s_tryLock = $"SELECT pg_try_advisory_lock({KeyOf("$1")})";
    private static readonly string s_lock = $"SELECT pg_advisory_lock({KeyOf("$1")})";
    private static readonly string s_unlock = $"SELECT pg_advisory_unlock({KeyOf("$1")})";

    private readonly NpgsqlDataSource _dataSource;

    public PostgreSqlAdvisoryLocks(string connectionString)
    {
        // Its own pool: a lock holds its connection for the whole step, and must never wait behind Hangfire's connections.
        _dataSource = PostgreSqlDataSources.Create(connectionString, "pipelines-locks");
    }

    /// <summary>The runtime's own connections to the database (the pool the locks are taken on).</summary>
    public NpgsqlDataSource DataSource => _dataSource;

    /// <summary>The advisory lock key of the resource named by SQL parameter <paramref name="parameter"/>: every lock on a resource, session or transaction, shared or not, names it this way.</summary>
    public static string KeyOf(string parameter) => $"hashtextextended({parameter}, 0)";

    /// <summary>Takes the lock on <paramref name="resource"/>, waiting up to <paramref name="timeout"/>.</summary>
    /// <exception cref="DistributedLockTimeoutException">The lock was not free within the timeout.</exception>
    public IDisposable Acquire(string resource, TimeSpan timeout) => Acquire(resource, timeout, null);

    /// <summary>
    /// Takes the lock on <paramref name="resource"/>, waiting up to <paramref name="timeout"/>, and runs
    /// <paramref name="then"/>'s query in the same round trip, right after the lock is granted (so it reads everything
    /// the previous holder committed), handing its rows to <paramref name="then"/>.
    /// </summary>
    /// <exception cref="DistributedLockTimeoutException">The lock was not free within the timeout.</exception>
    public IDisposable Acquire(string resource, TimeSpan timeout, LockedQuery? then) => Acquire(resource, timeout, then, null);

    /// <summary>
    /// As <see cref="Acquire(string, TimeSpan, LockedQuery)"/>, sending <paramref name="first"/> (a write) before the
    /// lock's statement in the same round trip: it is kept when that round trip returns, whether the lock was free or not
    /// (and, when waiting, whether the wait timed out or not); a failure of the write throws something other than a lock
    /// timeout and keeps nothing.
    /// </summary>
    /// <exception cref="DistributedLockTimeoutException">The lock was not free within the timeout.</exception>
    public IDisposable Acquire(string resource, TimeSpan timeout, LockedQuery? then, NpgsqlBatchCommand? first)
    {
        var connection = _dataSource.OpenConnection();
        bool granted;
        try
        {
            // One round trip either way: a caller that will not wait asks once; one that will wait sets lock_timeout and
            // waits in the same batch (the query's rows are read only when the lock was granted).
            granted = Take(connection, resource, then, first, timeout > TimeSpan.Zero ? timeout : null);
        }
        catch (Exception ex)
        {
            // A statement failed: the lock's wait timed out, or the write, or the read after a granted lock. The batch
            // rolled back, and an explicit transaction it opened is ended here, but a session lock taken in it was not
            // released, and the pooled connection would hold it until the pool's reset on its next use. Npgsql does not say
            // which statement failed; the lock's is the only one under our lock_timeout (reset right after it), so a
            // lock timeout is the lock's unless the database or role sets a lock_timeout of its own.
            PostgreSqlSession.RollBack(connection);
            PostgreSqlSession.ReleaseLocks(connection);
            connection.Dispose();
            if (ex is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable }) throw new DistributedLockTimeoutException(resource);
            throw;
        }
        if (granted) return new Held(connection, resource);
        // The try found the lock busy: the batch ended normally and the session holds no lock.
        connection.Dispose();
        throw new DistributedLockTimeoutException(resource);
    }

    /// <summary>
    /// Runs the lock's statement and the query after it in one batch; whether the lock was granted. With a
    /// <paramref name="timeout"/> the lock is waited for (<c>pg_advisory_lock</c> under that <c>lock_timeout</c>, reset
    /// right after it so the holder's own statements do not inherit it) and <paramref name="first"/> is committed on its
    /// own before the wait, so a wait that times out keeps it; without one, <paramref name="first"/> shares the batch's
    /// implicit transaction with the lock's try.
    /// </summary>
    private static bool Take(NpgsqlConnection connection, string resource, LockedQuery? then, NpgsqlBatchCommand? first, TimeSpan? timeout)
    {
        using var batch = new NpgsqlBatch(connection);
        var wait = timeout is not null;
        if (first is not null)
        {
            if (wait) batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            batch.BatchCommands.Add(first);
            if (wait) batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        }
        if (timeout is { } limit)
        {
            // A wait is bounded by lock_timeout, not by the command timeout. A wait that times out rolls the setting back
            // with its transaction; a granted one resets it in the same batch.
            batch.Timeout = 0;
            var milliseconds = Math.Max(1, (long)Math.Ceiling(limit.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"SET lock_timeout = {milliseconds}"));
        }
        var take = new NpgsqlBatchCommand(wait ? s_lock : s_tryLock);
        take.Parameters.Add(PostgreSqlText.Text(resource));
        batch.BatchCommands.Add(take);
        if (wait) batch.BatchCommands.Add(new NpgsqlBatchCommand("RESET lock_timeout"));
        if (then is not null) batch.BatchCommands.Add(then.Command());
        using (var reader = batch.ExecuteReader())
        {
            // The statements before the lock's return no rows; Npgsql may or may not give each an empty result first.
            SkipEmpty(reader);
            // pg_advisory_lock returns only once granted (void); pg_try_advisory_lock says whether it was.
            var granted = wait || (reader.Read() && reader.GetBoolean(0));
            if (granted && then is not null)
            {
                reader.NextResult();
                SkipEmpty(reader);
                then.Consume(reader);
            }
            return granted;
        }
    }

    private static void SkipEmpty(NpgsqlDataReader reader)
    {
        while (reader.FieldCount == 0 && reader.NextResult())
        {
        }
    }

    /// <summary>A held lock: its session's connection, which the runtime's batched writes commit on (<see cref="PostgreSqlBatchTransaction"/>).</summary>
    internal sealed class Held(NpgsqlConnection connection, string resource) : IDisposable
    {
        private bool _released;

        /// <summary>The session holding the lock; used by the holder's writes while held, never after.</summary>
        public NpgsqlConnection Connection => connection;

        /// <summary>
        /// The statement that releases the lock, for a holder that sends it with its last writes (one round trip for
        /// both); the holder then calls <see cref="Released"/>.
        /// </summary>
        public NpgsqlBatchCommand Unlock()
        {
            var unlock = new NpgsqlBatchCommand(s_unlock);
            unlock.Parameters.Add(PostgreSqlText.Text(resource));
            return unlock;
        }

        /// <summary>Records that the holder's own <see cref="Unlock"/> released the lock: disposing returns the connection only.</summary>
        public void Released() => _released = true;

        public void Dispose()
        {
            if (_released)
            {
                connection.Dispose();
                return;
            }
            _released = true;
            try
            {
                using var unlock = new NpgsqlCommand(s_unlock, connection);
                unlock.Parameters.Add(PostgreSqlText.Text(resource));
                unlock.ExecuteNonQuery();
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
            {
                // The session is gone, and the lock with it. A connection that cannot unlock must not go back to the pool
                // holding the lock: clearing the pool closes it instead of keeping it idle.
                NpgsqlConnection.ClearPool(connection);
            }
            finally
            {
                // Returned to the pool, the session is reset before its next use (PostgreSqlDataSources), which also drops lock_timeout.
                connection.Dispose();
            }
        }
    }
}
