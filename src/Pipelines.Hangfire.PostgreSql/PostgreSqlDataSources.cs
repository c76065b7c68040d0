using System;
using System.Data.Common;
using Npgsql;

namespace Pipelines.Hangfire;

/// <summary>
/// The runtime's own connection pools on the user's database (its locks and steps, the workers' fetches, the lists of
/// runs), built from the user's connection string: named, so <c>pg_stat_activity</c> tells them apart; out of ambient
/// transactions; and with their statements prepared once per connection.
/// </summary>
/// <remarks>
/// The runtime sends the same few statements thousands of times a minute (a step's lock and reads, the swap of a try's
/// start, a step's batch, a fetch), and PostgreSQL parsed and planned each one every time. Npgsql prepares a statement
/// once it has run <see cref="NpgsqlConnectionStringBuilder.AutoPrepareMinUsages"/> times on a connection, and keeps it
/// across the pool's reuse of that connection, which then resets the session without <c>DISCARD ALL</c> (its reset still
/// releases every advisory lock a connection may hold: <c>pg_advisory_unlock_all()</c>). A connection string that sets
/// <c>Max Auto Prepare</c> keeps its own setting (0: nothing prepared). Hangfire.PostgreSql's own connections get the same
/// (<see cref="Prepared"/>). Prepared statements need the session that prepared them, as the run's advisory locks do: a
/// pooler in front of the database must pool sessions, not transactions.
/// </remarks>
internal static class PostgreSqlDataSources
{
    /// <summary>How many statements each connection keeps prepared (the runtime sends about twenty kinds).</summary>
    public const int MaxAutoPrepare = 32;

    /// <summary>A pool on the database <paramref name="connectionString"/> names, for <paramref name="applicationName"/>.</summary>
    public static NpgsqlDataSource Create(string connectionString, string applicationName)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = applicationName, Enlist = false };
        if (!SetsAutoPrepare(connectionString)) builder.MaxAutoPrepare = MaxAutoPrepare;
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    /// <summary>
    /// <paramref name="connectionString"/> with <see cref="MaxAutoPrepare"/> unless it sets <c>Max Auto Prepare</c> itself:
    /// for Hangfire.PostgreSql's own connections (its fetches, state changes and job reads repeat as the runtime's do).
    /// </summary>
    public static string Prepared(string connectionString) =>
        SetsAutoPrepare(connectionString) ? connectionString : new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = MaxAutoPrepare }.ConnectionString;

    /// <summary>Whether the connection string names <c>Max Auto Prepare</c> itself (0 included: no preparing), however it spells it.</summary>
    private static bool SetsAutoPrepare(string connectionString)
    {
        foreach (var key in new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys)
            if (key is string name && string.Equals(name.Replace(" ", "", StringComparison.Ordinal), "MaxAutoPrepare", StringComparison.OrdinalIgnoreCase))
                return true;
        return false;
    }
}
