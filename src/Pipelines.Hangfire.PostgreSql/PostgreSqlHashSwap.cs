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
/// swap (<see cref="IPipelineConditionalSwapStorage"/>: a try's start that expects the record its step queued, or its end
/// that expects the record its start wrote) is one round trip: the result kept, the lock, an update guarded by every value
/// it expects, the additions and writes, the reads and the commit, in one batch.
/// </summary>
internal sealed class PostgreSqlHashSwap
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgreSqlHashReads _reads;
    private readonly string _lock;
    private readonly string _update;
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
        catch (Exception ex)
        {
            if (Failed(connection, ex, lockResource) is { } timedOut) throw timedOut;
            throw;
        }
    }

    /// <summary>
    /// <see cref="IPipelineConditionalSwapStorage.SwapIf"/> in one round trip: <paramref name="writeFirst"/> committed, then a
    /// transaction that takes the lock shared, updates the row only while it holds <paramref name="expected"/> and every
    /// condition holds, adds and writes only where the row was updated (as a counting swap does), reads, and commits.
    /// </summary>
    /// <exception cref="DistributedLockTimeoutException">A step held the lock longer than <paramref name="timeout"/>; nothing but <paramref name="writeFirst"/> was changed.</exception>
    public IReadOnlyList<string>? SwapIf(string lockResource, TimeSpan timeout, HashFieldWrite? writeFirst, HashFieldWrite swap, string expected, IReadOnlyList<HashFieldCondition> conditions,
        IReadOnlyList<HashCountMove> moves, IReadOnlyList<HashFieldWrite> writes, IReadOnlyCollection<string> wholeKeys, IReadOnlyCollection<KeyValuePair<string, string>> fields,
        out IReadOnlyDictionary<string, Dictionary<string, string>> read)
    {
        var connection = _dataSource.OpenConnection();
        try
        {
            using var batch = new NpgsqlBatch(connection) { Timeout = 0 };
            if (writeFirst is not null)
            {
                // Kept whether the wait that follows times out or not.
                batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
                batch.BatchCommands.Add(PostgreSqlBatchTransaction.HashUpsert(_schema, writeFirst.Key, new Dictionary<string, string>(StringComparer.Ordinal) { [writeFirst.Field] = writeFirst.Value }));
                batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            }
            BeginLocked(batch, lockResource, timeout);
            var update = GuardedUpdate(swap, expected, conditions);
            batch.BatchCommands.Add(update);
            var order = AddsAndWrites(batch, swap, moves, writes);
            var into = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
            var query = _reads.Query(wholeKeys, fields, into);
            batch.BatchCommands.Add(query.Command());
            batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            var counts = new string[moves.Count];
            using (var reader = batch.ExecuteReader())
            {
                // The lock's void row is the first one-column result, each addition's the next ones in the order sent; the
                // fields (key, field, value) come last.
                var singles = 0;
                do
                {
                    if (reader.FieldCount == 3)
                    {
                        query.Consume(reader);
                    }
                    else if (reader.FieldCount == 1)
                    {
                        if (singles > 0 && singles <= order.Length && reader.Read()) counts[order[singles - 1]] = reader.GetString(0);
                        singles++;
                    }
                }
                while (reader.NextResult());
            }
            connection.Dispose();
            read = into;
            return update.RecordsAffected == 1 ? counts : null;
        }
        catch (Exception ex)
        {
            if (Failed(connection, ex, lockResource) is { } timedOut) throw timedOut;
            throw;
        }
    }

    /// <summary>The update of a swapped field that changes the row only while it holds <paramref name="expected"/> and every one of <paramref name="conditions"/> holds.</summary>
    private NpgsqlBatchCommand GuardedUpdate(HashFieldWrite swap, string expected, IReadOnlyList<HashFieldCondition> conditions)
    {
        var sql = new System.Text.StringBuilder(_update);
        var parameters = new List<NpgsqlParameter>(4 + 3 * conditions.Count)
        {
            PostgreSqlText.Text(swap.Key), PostgreSqlText.Text(swap.Field), PostgreSqlText.Text(expected), PostgreSqlText.Text(swap.Value),
        };
        foreach (var condition in conditions)
        {
            var key = parameters.Count + 1;
            parameters.Add(PostgreSqlText.Text(condition.Key));
            parameters.Add(PostgreSqlText.Text(condition.Field));
            var value = $"(SELECT g.\"value\" FROM {_schema}.\"hash\" AS g WHERE g.\"key\" = ${key} AND g.\"field\" = ${key + 1})";
            switch (condition.Test)
            {
                case HashFieldTest.Equals:
                    parameters.Add(new NpgsqlParameter { Value = (object?)condition.Value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                    sql.Append(CultureInfo.InvariantCulture, $" AND {value} IS NOT DISTINCT FROM ${key + 2}");
                    break;
                case HashFieldTest.EndsWith:
                    // An absent field gives NULL, which no row passes.
                    parameters.Add(PostgreSqlText.Text(condition.Value ?? ""));
                    sql.Append(CultureInfo.InvariantCulture, $" AND right({value}, length(${key + 2})) = ${key + 2}");
                    break;
                case HashFieldTest.AbsentOrStartsWith:
                    parameters.Add(PostgreSqlText.Text(condition.Value ?? ""));
                    sql.Append(CultureInfo.InvariantCulture, $" AND coalesce(starts_with({value}, ${key + 2}), true)");
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(conditions), condition.Test, "Not a condition this storage knows.");
            }
        }
        var update = new NpgsqlBatchCommand(sql.ToString());
        update.Parameters.AddRange(parameters.ToArray());
        return update;
    }

    /// <summary>
    /// Adds to <paramref name="batch"/> the additions (<paramref name="moves"/>) and <paramref name="writes"/> of a swap,
    /// each done only where the swap's field now holds its new value. The additions take their rows' locks in one order
    /// (by key, then field), the same for every swap, so concurrent ends adding to the same counts queue for each row in
    /// turn and never deadlock; each returns the count its addition left. Returns the positions of
    /// <paramref name="moves"/> in the order sent.
    /// </summary>
    private int[] AddsAndWrites(NpgsqlBatch batch, HashFieldWrite swap, IReadOnlyList<HashCountMove> moves, IReadOnlyList<HashFieldWrite> writes)
    {
        var order = new int[moves.Count];
        for (var i = 0; i < order.Length; i++) order[i] = i;
        Array.Sort(order, (a, b) =>
        {
            var byKey = string.CompareOrdinal(moves[a].Key, moves[b].Key);
            return byKey != 0 ? byKey : string.CompareOrdinal(moves[a].Field, moves[b].Field);
        });
        foreach (var i in order)
        {
            var add = new NpgsqlBatchCommand(_add);
            add.Parameters.Add(PostgreSqlText.Text(moves[i].Key));
            add.Parameters.Add(PostgreSqlText.Text(moves[i].Field));
            add.Parameters.Add(new NpgsqlParameter { Value = System.Linq.ImmutableArrayExtensions.ToArray(moves[i].By), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Integer });
            Swapped(add, swap);
            batch.BatchCommands.Add(add);
        }
        foreach (var write in writes)
        {
            var set = new NpgsqlBatchCommand(_write);
            set.Parameters.Add(PostgreSqlText.Text(write.Key));
            set.Parameters.Add(PostgreSqlText.Text(write.Field));
            set.Parameters.Add(PostgreSqlText.Text(write.Value));
            Swapped(set, swap);
            batch.BatchCommands.Add(set);
        }
        return order;
    }

    private static void Swapped(NpgsqlBatchCommand command, HashFieldWrite swap)
    {
        command.Parameters.Add(PostgreSqlText.Text(swap.Key));
        command.Parameters.Add(PostgreSqlText.Text(swap.Field));
        command.Parameters.Add(PostgreSqlText.Text(swap.Value));
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

    /// <summary>
    /// Ends the session of a swap that failed with <paramref name="ex"/> (<see cref="End"/>); the exception to throw instead
    /// when the lock's wait timed out, else null (rethrow).
    /// </summary>
    private static DistributedLockTimeoutException? Failed(NpgsqlConnection connection, Exception ex, string lockResource)
    {
        End(connection);
        return ex is PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable } ? new DistributedLockTimeoutException(lockResource) : null;
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

        /// <summary>The swap, the additions and the writes (<see cref="AddsAndWrites"/>), and the commit, in one round trip.</summary>
        IReadOnlyList<string>? IPipelineCountingSwap.Swap(HashFieldWrite swap, string expected, IReadOnlyList<HashCountMove> moves, IReadOnlyList<HashFieldWrite> writes)
        {
            if (_done) throw new InvalidOperationException("This swap has ended.");
            _done = true;
            try
            {
                using var batch = new NpgsqlBatch(connection);
                var update = owner.Update(swap.Key, swap.Field, expected, swap.Value);
                batch.BatchCommands.Add(update);
                var order = owner.AddsAndWrites(batch, swap, moves, writes);
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

        public void Dispose()
        {
            if (_done) return;
            _done = true;
            End(connection);
        }
    }
}
