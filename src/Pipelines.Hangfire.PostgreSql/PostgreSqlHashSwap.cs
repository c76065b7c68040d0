using Npgsql;
using NpgsqlTypes;

namespace Pipelines.Hangfire;

/// <summary>
/// <see cref="IPipelineSwapStorage"/> on Hangfire.PostgreSql's <c>hash</c> table: one statement that takes the resource's
/// advisory lock shared for its own transaction (<c>pg_try_advisory_xact_lock_shared</c>, which fails at once while a
/// step holds the lock, and makes a step that asks for it meanwhile wait until the statement committed) and updates the
/// row only if it holds the expected value. Swaps of different tasks of one run share the lock, so they never wait for
/// each other.
/// </summary>
internal sealed class PostgreSqlHashSwap
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _sql;

    /// <param name="dataSource">The runtime's own connections (<see cref="PostgreSqlAdvisoryLocks.DataSource"/>).</param>
    /// <param name="schema">Hangfire.PostgreSql's schema.</param>
    public PostgreSqlHashSwap(NpgsqlDataSource dataSource, string schema)
    {
        _dataSource = dataSource;
        var quoted = "\"" + schema.Replace("\"", "\"\"", System.StringComparison.Ordinal) + "\"";
        // The lock is asked once (a CTE with a volatile function is evaluated once, never inlined into the row filter).
        _sql = $"""
            WITH free AS (SELECT pg_try_advisory_xact_lock_shared({PostgreSqlAdvisoryLocks.KeyOf("$1")}) AS yes)
            UPDATE {quoted}."hash" AS h SET "value" = $5 FROM free
            WHERE free.yes AND h."key" = $2 AND h."field" = $3 AND h."value" = $4
            """;
    }

    public bool TrySwap(string lockResource, string key, string field, string expected, string value)
    {
        using var connection = _dataSource.OpenConnection();
        using var command = new NpgsqlCommand(_sql, connection);
        command.Parameters.Add(Text(lockResource));
        command.Parameters.Add(Text(key));
        command.Parameters.Add(Text(field));
        command.Parameters.Add(Text(expected));
        command.Parameters.Add(Text(value));
        return command.ExecuteNonQuery() == 1;
    }

    private static NpgsqlParameter Text(string value) => new() { Value = value, NpgsqlDbType = NpgsqlDbType.Text };
}
