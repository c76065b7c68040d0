using System;
using System.Collections.Generic;
using System.Globalization;
using Hangfire.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Pipelines.Hangfire;

/// <summary>
/// <see cref="IPipelineSwapStorage"/> on Hangfire.PostgreSql's <c>hash</c> table, in two round trips: a transaction that
/// takes the resource's advisory lock shared (<c>pg_advisory_xact_lock_shared</c>: it waits while a step holds the lock,
/// and a step that asks for it meanwhile waits until this transaction ends) and reads the fields, then an update of the
/// row only if it holds the expected value, and the commit. The first round trip also reads whole hashes the caller
/// asks for (a try's start reads its run's record there, which the try needs next). Swaps of different tasks of one run share the lock, so they
/// never wait for each other. A counting swap (<see cref="IPipelineCountingSwapStorage"/>, a try's end) keeps the try's
/// result before it asks for the lock, in the same first round trip, and in its second adds to count fields with the
/// swap: each addition an upsert that takes its row's lock until the commit and returns the count it left. A conditional
/// swap (<see cref="IPipelineConditionalSwapStorage"/>, a try's start that expects the record its step queued) is one round
/// trip: the lock, an update guarded by both values it expects, the reads and the commit, in one batch.
/// </summary>
internal sealed class PostgreSqlHashSwap
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgreSqlHashReads _reads;
    private readonly string _lock;
    private readonly string _update;
    private readonly string _guardedUpdate;
    private readonly string _schema;
    private readonly string _add;
    private readonly string _write;

    /// <param name="dataSource">The runtime's own connections (<see cref="PostgreSqlAdvisoryLocks.DataSource"/>).</param>
    /// <param name="reads">The query that reads the fields (the one a step's first reads use).</param>
    /// <param name="schema">Hangfire.PostgreSql's schema.</param>
    public PostgreSqlHashSwap(NpgsqlDataSource dataSource, PostgreSqlHashReads reads, string schema)
    {
        _dataSource = dataSource;
        _reads = reads;
        _lock = $"SELECT pg_advisory_xact_lock_shared({PostgreSqlAdvisoryLocks.KeyOf("$1")})";
        _schema = PostgreSqlText.Schema(schema);
        _update = $"""UPDATE {_schema}."hash" SET "value" = $4 WHERE "key" = $1 AND "field" = $2 AND "value" = $3""";
        _guardedUpdate = _update + $""" AND (SELECT g."value" FROM {_schema}."hash" AS g WHERE g."key" = $5 AND g."field" = $6) IS NOT DISTINCT FROM $7""";
        // A count's addition and a write happen only where the swap did: the swapped field then holds its new value ($4..$6).
        // The addition adds position by position to the integers before an '@' (a missing one is zero) and keeps what follows it.
        const string swapped = """EXISTS (SELECT 1 FROM {0}."hash" WHERE "key" = $4 AND "field" = $5 AND "value" = $6)""";
        _add = $"""
            INSERT INTO {_schema}."hash" ("key", "field", "value")
            SELECT $1, $2, array_to_string($3::int[], ',') WHERE {string.Format(CultureInfo.InvariantCulture, swapped, _schema)}
            ON CONFLICT ("key", "field") DO UPDATE SET "value" =
                array_to_string(ARRAY(SELECT coalesce(nullif(u.a, '')::int, 0) + coalesce(u.b, 0)
                    FROM unnest(string_to_array(split_part("hash"."value", '@', 1), ','), $3::int[]) WITH ORDINALITY AS u(a, b, n) ORDER BY u.n), ',')
                || CASE WHEN strpos("hash"."value", '@') > 0 THEN '@' || split_part("hash"."value", '@', 2) ELSE '' END
            RETURNING "value"
            """;
        _write = $"""
            INSERT INTO {_schema}."hash" ("key", "field", "value")
            SELECT $1, $2, $3 WHERE {string.Format(CultureInfo.InvariantCulture, swapped, _schema)}
            ON CONFLICT ("key", "field") DO UPDATE SET "value" = EXCLUDED."value"
            """;
    }

    /// <exception cref="DistributedLockTimeoutException">A step held the lock longer than <paramref name="timeout"/>.</exception>
    public IPipelineSwap Begin(string lockResource, TimeSpan timeout, IReadOnlyCollection<string> wholeKeys, IReadOnlyCollection<KeyValuePair<string, string>> fields,
        out IReadOnlyDictionary<string, Dictionary<string, string>> read) =>
        new Swap(this, Open(lockResource, timeout, wholeKeys, fields, null, out read));

    /// <summary>
    /// As <see cref="Begin"/>, for a swap that also adds to counts (<see cref="IPipelineCountingSwapStorage"/>), with
    /// <paramref name="writeFirst"/> committed in the same round trip before the lock is asked for.
    /// </summary>
    /// <exception cref="DistributedLockTimeoutException">A step held the lock longer than <paramref name="timeout"/>.</exception>
    public IPipelineCountingSwap BeginCounting(string lockResource, TimeSpan timeout, IReadOnlyCollection<string> wholeKeys, IReadOnlyCollection<KeyValuePair<string, string>> fields,
        HashFieldWrite? writeFirst, out IReadOnlyDictionary<string, Dictionary<string, string>> read)
    {
        var first = writeFirst is null ? null
            : PostgreSqlBatchTransaction.HashUpsert(_schema, writeFirst.Key, new Dictionary<string, string>(StringComparer.Ordinal) { [writeFirst.Field] = writeFirst.Value });
        return new CountingSwap(this, Open(lockResource, timeout, wholeKeys, fields, first, out read));
    }

    /// <summary>
    /// The first round trip of a swap: <paramref name="first"/> committed on its own, then a transaction that takes the
    /// lock shared and reads. Returns the session, in that transaction.
    /// </summary>
    private NpgsqlConnection Open(string lockResource, TimeSpan timeout, IReadOnlyCollection<string> wholeKeys, IReadOnlyCollection<KeyValuePair<string, string>> fields,
        NpgsqlBatchCommand? first, out IReadOnlyDictionary<string, Dictionary<string, string>> read)
    {
        var connection = _dataSource.OpenConnection();
        try
        {
            // The wait is bounded by lock_timeout, not by the command timeout.
            using var batch = new NpgsqlBatch(connection) { Timeout = 0 };
            if (first is not null)
            {
                // Kept whether the wait that follows times out or not.
                batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
                batch.BatchCommands.Add(first);
                batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            }
            BeginLocked(batch, lockResource, timeout);
            var into = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
            var query = _reads.Query(wholeKeys, fields, into);
            batch.BatchCommands.Add(query.Command());
            using (var reader = batch.ExecuteReader())
            {
                // The write, BEGIN, SET and the lock's void row come first; the fields (key, field, value) are the last result.
                while (reader.FieldCount != 3 && reader.NextResult())
                {
                }
                query.Consume(reader);
            }
            read = into;
            return connection;
        }
        catch (NpgsqlException ex)
        {
            End(connection);
            if (ex is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable }) throw new DistributedLockTimeoutException(lockResource);
            throw;
        }
        catch
        {
            End(connection);
            throw;
        }
    }

    /// <summary>
    /// <see cref="IPipelineConditionalSwapStorage.SwapIf"/> in one round trip: a transaction that takes the lock shared, updates
    /// the row only while it holds <paramref name="expected"/> and the guard's row holds <paramref name="guardValue"/> (or is
    /// absent, for null), reads, and commits.
    /// </summary>
    /// <exception cref="DistributedLockTimeoutException">A step held the lock longer than <paramref name="timeout"/>; nothing was changed.</exception>
    public bool SwapIf(string lockResource, TimeSpan timeout, HashFieldWrite swap, string expected, KeyValuePair<string, string> guard, string? guardValue,
        IReadOnlyCollection<string> wholeKeys, out IReadOnlyDictionary<string, Dictionary<string, string>> read)
    {
        var connection = _dataSource.OpenConnection();
        try
        {
            using var batch = new NpgsqlBatch(connection) { Timeout = 0 };
            var into = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
            BeginLocked(batch, lockResource, timeout);
            var update = new NpgsqlBatchCommand(_guardedUpdate);
            update.Parameters.Add(PostgreSqlText.Text(swap.Key));
            update.Parameters.Add(PostgreSqlText.Text(swap.Field));
            update.Parameters.Add(PostgreSqlText.Text(expected));
            update.Parameters.Add(PostgreSqlText.Text(swap.Value));
            update.Parameters.Add(PostgreSqlText.Text(guard.Key));
            update.Parameters.Add(PostgreSqlText.Text(guard.Value));
            update.Parameters.Add(new NpgsqlParameter { Value = (object?)guardValue ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            batch.BatchCommands.Add(update);
            var query = _reads.Query(wholeKeys, new[] { guard }, into);
            batch.BatchCommands.Add(query.Command());
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            using (var reader = batch.ExecuteReader())
            {
                // BEGIN, SET, the lock's void row and the update come first; the fields (key, field, value) follow.
                while (reader.FieldCount != 3 && reader.NextResult())
                {
                }
                query.Consume(reader);
                while (reader.NextResult())
                {
                }
            }
            connection.Dispose();
            read = into;
            return update.RecordsAffected == 1;
        }
        catch (NpgsqlException ex)
        {
            End(connection);
            if (ex is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable }) throw new DistributedLockTimeoutException(lockResource);
            throw;
        }
        catch
        {
            End(connection);
            throw;
        }
    }

    /// <summary>Adds the start of a swap's transaction to <paramref name="batch"/>: BEGIN, the lock's wait bounded by <paramref name="timeout"/>, and the shared lock.</summary>
    private void BeginLocked(NpgsqlBatch batch, string lockResource, TimeSpan timeout)
    {
        var milliseconds = Math.Max(1, (long)Math.Ceiling(timeout.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"SET LOCAL lock_timeout = {milliseconds}"));
        var takeLock = new NpgsqlBatchCommand(_lock);
        takeLock.Parameters.Add(PostgreSqlText.Text(lockResource));
        batch.BatchCommands.Add(takeLock);
    }

    /// <summary>The update of a swapped field: it changes the row only while it holds <paramref name="expected"/>.</summary>
    private NpgsqlBatchCommand Update(string key, string field, string expected, string value)
    {
        var update = new NpgsqlBatchCommand(_update);
        update.Parameters.Add(PostgreSqlText.Text(key));
        update.Parameters.Add(PostgreSqlText.Text(field));
        update.Parameters.Add(PostgreSqlText.Text(expected));
        update.Parameters.Add(PostgreSqlText.Text(value));
        return update;
    }

    /// <summary>Rolls back what the session left open, and returns it to the pool (a dead session only closes).</summary>
    private static void End(NpgsqlConnection connection)
    {
        PostgreSqlSession.RollBack(connection);
        connection.Dispose();
    }

    private sealed class Swap(PostgreSqlHashSwap owner, NpgsqlConnection connection) : IPipelineSwap
    {
        private bool _done;

        bool IPipelineSwap.Swap(string key, string field, string expected, string value)
        {
            if (_done) throw new InvalidOperationException("This swap has ended.");
            _done = true;
            try
            {
                using var batch = new NpgsqlBatch(connection);
                var update = owner.Update(key, field, expected, value);
                batch.BatchCommands.Add(update);
                batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
                batch.ExecuteNonQuery();
                connection.Dispose();
                return update.RecordsAffected == 1;
            }
            catch
            {
                End(connection);
                throw;
            }
        }

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            End(connection);
        }
    }

    private sealed class CountingSwap(PostgreSqlHashSwap owner, NpgsqlConnection connection) : IPipelineCountingSwap
    {
        private bool _done;

        /// <summary>
        /// The swap, the additions and the writes, and the commit, in one round trip. The additions take their rows' locks
        /// in one order (by key, then field), the same for every swap, so concurrent ends adding to the same counts queue
        /// for each row in turn and never deadlock; each returns the count its addition left.
        /// </summary>
        IReadOnlyList<string>? IPipelineCountingSwap.Swap(HashFieldWrite swap, string expected, IReadOnlyList<HashCountMove> moves, IReadOnlyList<HashFieldWrite> writes)
        {
            if (_done) throw new InvalidOperationException("This swap has ended.");
            _done = true;
            try
            {
                using var batch = new NpgsqlBatch(connection);
                var update = owner.Update(swap.Key, swap.Field, expected, swap.Value);
                batch.BatchCommands.Add(update);
                var order = new int[moves.Count];
                for (var i = 0; i < order.Length; i++) order[i] = i;
                Array.Sort(order, (a, b) =>
                {
                    var byKey = string.CompareOrdinal(moves[a].Key, moves[b].Key);
                    return byKey != 0 ? byKey : string.CompareOrdinal(moves[a].Field, moves[b].Field);
                });
                foreach (var i in order)
                {
                    var add = new NpgsqlBatchCommand(owner._add);
                    add.Parameters.Add(PostgreSqlText.Text(moves[i].Key));
                    add.Parameters.Add(PostgreSqlText.Text(moves[i].Field));
                    add.Parameters.Add(new NpgsqlParameter { Value = System.Linq.ImmutableArrayExtensions.ToArray(moves[i].By), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
                    Swapped(add, swap);
                    batch.BatchCommands.Add(add);
                }
                foreach (var write in writes)
                {
                    var set = new NpgsqlBatchCommand(owner._write);
                    set.Parameters.Add(PostgreSqlText.Text(write.Key));
                    set.Parameters.Add(PostgreSqlText.Text(write.Field));
                    set.Parameters.Add(PostgreSqlText.Text(write.Value));
                    Swapped(set, swap);
                    batch.BatchCommands.Add(set);
                }
                batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
                var counts = new string[moves.Count];
                var position = 0;
                using (var reader = batch.ExecuteReader())
                {
                    // The update's result comes first; then each addition's row, in the order sent.
                    do
                    {
                        if (reader.FieldCount != 1) continue;
                        if (reader.Read() && position < order.Length) counts[order[position]] = reader.GetString(0);
                        position++;
                    }
                    while (position < order.Length && reader.NextResult());
                }
                connection.Dispose();
                return update.RecordsAffected == 1 ? counts : null;
            }
            catch
            {
                End(connection);
                throw;
            }
        }

        private static void Swapped(NpgsqlBatchCommand command, HashFieldWrite swap)
        {
            command.Parameters.Add(PostgreSqlText.Text(swap.Key));
            command.Parameters.Add(PostgreSqlText.Text(swap.Field));
            command.Parameters.Add(PostgreSqlText.Text(swap.Value));
        }

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            End(connection);
        }
    }
}
