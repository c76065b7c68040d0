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
    public static void RollBack(NpgsqlConnection connection)
    {
        if (connection.State != System.Data.ConnectionState.Open) return;
        try
        {
            using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            rollback.ExecuteNonQuery();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
        }
    }
}
