using System;
using System.Collections.Generic;
using System.Globalization;
using Hangfire.Storage;
using Npgsql;

namespace Pipelines.Hangfire;

/// <summary>
/// <see cref="IPipelineSwapStorage"/> on Hangfire.PostgreSql's <c>hash</c> table, in two round trips: a transaction that
/// takes the resource's advisory lock shared (<c>pg_advisory_xact_lock_shared</c>: it waits while a step holds the lock,
/// and a step that asks for it meanwhile waits until this transaction ends) and reads the fields, then an update of the
/// row only if it holds the expected value, and the commit. The first round trip also reads whole hashes the caller
/// asks for (a try's start reads its run's record there, which the try needs next). Swaps of different tasks of one run share the lock, so they
/// never wait for each other.
/// </summary>
internal sealed class PostgreSqlHashSwap
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgreSqlHashReads _reads;
    private readonly string _lock;
    private readonly string _update;

    /// <param name="dataSource">The runtime's own connections (<see cref="PostgreSqlAdvisoryLocks.DataSource"/>).</param>
    /// <param name="reads">The query that reads the fields (the one a step's first reads use).</param>
    /// <param name="schema">Hangfire.PostgreSql's schema.</param>
    public PostgreSqlHashSwap(NpgsqlDataSource dataSource, PostgreSqlHashReads reads, string schema)
    {
        _dataSource = dataSource;
        _reads = reads;
        _lock = $"SELECT pg_advisory_xact_lock_shared({PostgreSqlAdvisoryLocks.KeyOf("$1")})";
        _update = $"""UPDATE {PostgreSqlText.Schema(schema)}."hash" SET "value" = $4 WHERE "key" = $1 AND "field" = $2 AND "value" = $3""";
    }

    /// <exception cref="DistributedLockTimeoutException">A step held the lock longer than <paramref name="timeout"/>.</exception>
    public IPipelineSwap Begin(string lockResource, TimeSpan timeout, IReadOnlyCollection<string> wholeKeys, IReadOnlyCollection<KeyValuePair<string, string>> fields,
        out IReadOnlyDictionary<string, Dictionary<string, string>> read)
    {
        var connection = _dataSource.OpenConnection();
        try
        {
            var milliseconds = Math.Max(1, (long)Math.Ceiling(timeout.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
            // The wait is bounded by lock_timeout, not by the command timeout.
            using var batch = new NpgsqlBatch(connection) { Timeout = 0 };
            batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            batch.BatchCommands.Add(new NpgsqlBatchCommand($"SET LOCAL lock_timeout = {milliseconds}"));
            var takeLock = new NpgsqlBatchCommand(_lock);
            takeLock.Parameters.Add(PostgreSqlText.Text(lockResource));
            batch.BatchCommands.Add(takeLock);
            var into = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
            var query = _reads.Query(wholeKeys, fields, into);
            batch.BatchCommands.Add(query.Command());
            using (var reader = batch.ExecuteReader())
            {
                // BEGIN, SET and the lock's void row come first; the fields (key, field, value) are the last result.
                while (reader.FieldCount != 3 && reader.NextResult())
                {
                }
                query.Consume(reader);
            }
            read = into;
            return new Swap(this, connection);
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
                var update = new NpgsqlBatchCommand(owner._update);
                update.Parameters.Add(PostgreSqlText.Text(key));
                update.Parameters.Add(PostgreSqlText.Text(field));
                update.Parameters.Add(PostgreSqlText.Text(expected));
                update.Parameters.Add(PostgreSqlText.Text(value));
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
}
