using System;
using System.Globalization;
using Hangfire.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Pipelines.Hangfire;

/// <summary>
/// <see cref="IPipelineSwapStorage"/> on Hangfire.PostgreSql's <c>hash</c> table, in one round trip: a transaction that
/// takes the resource's advisory lock shared (<c>pg_advisory_xact_lock_shared</c>: it waits while a step holds the lock,
/// and a step that asks for it meanwhile waits until this transaction ends) and updates the row only if it holds the
/// expected value. Swaps of different tasks of one run share the lock, so they never wait for each other.
/// </summary>
internal sealed class PostgreSqlHashSwap
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _lock;
    private readonly string _update;

    /// <param name="dataSource">The runtime's own connections (<see cref="PostgreSqlAdvisoryLocks.DataSource"/>).</param>
    /// <param name="schema">Hangfire.PostgreSql's schema.</param>
    public PostgreSqlHashSwap(NpgsqlDataSource dataSource, string schema)
    {
        _dataSource = dataSource;
        var quoted = "\"" + schema.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        _lock = $"SELECT pg_advisory_xact_lock_shared({PostgreSqlAdvisoryLocks.KeyOf("$1")})";
        _update = $"""UPDATE {quoted}."hash" SET "value" = $4 WHERE "key" = $1 AND "field" = $2 AND "value" = $3""";
    }

    /// <exception cref="DistributedLockTimeoutException">A step held the lock longer than <paramref name="timeout"/>.</exception>
    public bool TrySwap(string lockResource, TimeSpan timeout, string key, string field, string expected, string value)
    {
        using var connection = _dataSource.OpenConnection();
        using var batch = new NpgsqlBatch(connection);
        var milliseconds = Math.Max(1, (long)Math.Ceiling(timeout.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"SET LOCAL lock_timeout = {milliseconds}"));
        var takeLock = new NpgsqlBatchCommand(_lock);
        takeLock.Parameters.Add(Text(lockResource));
        batch.BatchCommands.Add(takeLock);
        var update = new NpgsqlBatchCommand(_update);
        update.Parameters.Add(Text(key));
        update.Parameters.Add(Text(field));
        update.Parameters.Add(Text(expected));
        update.Parameters.Add(Text(value));
        batch.BatchCommands.Add(update);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        try
        {
            batch.ExecuteNonQuery();
        }
        catch (PostgresException ex)
        {
            // The session is in a failed transaction: end it before it goes back to the pool.
            using (var rollback = new NpgsqlCommand("ROLLBACK", connection)) rollback.ExecuteNonQuery();
            if (ex.SqlState == PostgresErrorCodes.LockNotAvailable) throw new DistributedLockTimeoutException(lockResource);
            throw;
        }
        return update.RecordsAffected == 1;
    }

    private static NpgsqlParameter Text(string value) => new() { Value = value, NpgsqlDbType = NpgsqlDbType.Text };
}
