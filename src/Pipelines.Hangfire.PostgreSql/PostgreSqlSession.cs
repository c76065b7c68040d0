using System;
using Npgsql;

namespace Pipelines.Hangfire;

/// <summary>What the runtime does with a session its own SQL left in a transaction.</summary>
internal static class PostgreSqlSession
{
    /// <summary>
    /// Ends the session's transaction, failed or open, so the session can be used (a lock released on it) or pooled. A
    /// dead session fails here too and is left as it is: its locks went with it, and the caller's error is the one to report.
    /// </summary>
    public static void RollBack(NpgsqlConnection connection) => TryExecute(connection, "ROLLBACK");

    /// <summary>
    /// Releases every advisory lock the session holds (a batch that failed after its lock was granted rolled back, but the
    /// session's lock did not), so it can be pooled; an open session that cannot is closed instead of pooled (a dead one's
    /// locks went with it).
    /// </summary>
    public static void ReleaseLocks(NpgsqlConnection connection)
    {
        if (connection.State == System.Data.ConnectionState.Open && !TryExecute(connection, "SELECT pg_advisory_unlock_all()"))
            NpgsqlConnection.ClearPool(connection);
    }

    /// <summary>Runs <paramref name="sql"/> on an open session; whether it ran (false for a closed or dead session).</summary>
    private static bool TryExecute(NpgsqlConnection connection, string sql)
    {
        if (connection.State != System.Data.ConnectionState.Open) return false;
        try
        {
            using var command = new NpgsqlCommand(sql, connection);
            command.ExecuteNonQuery();
            return true;
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            return false;
        }
    }
}
