using System;
using System.Collections.Generic;
using System.Linq;
using Npgsql;

namespace Pipelines.Hangfire;

/// <summary>
/// <see cref="IPipelineReadStorage"/> on Hangfire.PostgreSql's <c>hash</c> table: whole hashes and single fields in one
/// query, sent with the step's advisory lock in one round trip and run once it is granted (the rows Hangfire.PostgreSql's
/// own reads return). A try's start without the run's lock reads its fields with the same query (<see cref="PostgreSqlHashSwap"/>),
/// and a list of runs its whole hashes in one statement without a lock (<see cref="IPipelineHashReadStorage"/>).
/// </summary>
internal sealed class PostgreSqlHashReads
{
    private readonly string _sql;
    private readonly string _wholeSql;

    /// <param name="schema">Hangfire.PostgreSql's schema.</param>
    public PostgreSqlHashReads(string schema)
    {
        var quoted = PostgreSqlText.Schema(schema);
        _sql = $"""
            SELECT h."key", h."field", h."value" FROM {quoted}."hash" AS h WHERE h."key" = ANY($1)
            UNION ALL
            SELECT h."key", h."field", h."value" FROM {quoted}."hash" AS h
            JOIN unnest($2::text[], $3::text[]) AS w("key", "field") ON h."key" = w."key" AND h."field" = w."field"
            """;
        _wholeSql = $"""SELECT h."key", h."field", h."value" FROM {quoted}."hash" AS h WHERE h."key" = ANY($1)""";
    }

    /// <summary>Every field of the hashes <paramref name="keys"/>, by key, in one statement on a connection of <paramref name="dataSource"/>, without a lock.</summary>
    public IReadOnlyDictionary<string, Dictionary<string, string>> ReadWhole(NpgsqlDataSource dataSource, IReadOnlyCollection<string> keys)
    {
        var into = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        if (keys.Count == 0) return into;
        using var command = dataSource.CreateCommand(_wholeSql);
        command.Parameters.Add(PostgreSqlText.TextArray(keys));
        using var reader = command.ExecuteReader();
        Consume(reader, into);
        return into;
    }

    private static void Consume(NpgsqlDataReader reader, Dictionary<string, Dictionary<string, string>> into)
    {
        while (reader.Read())
        {
            var key = reader.GetString(0);
            if (!into.TryGetValue(key, out var hash)) into[key] = hash = new Dictionary<string, string>(StringComparer.Ordinal);
            hash[reader.GetString(1)] = reader.IsDBNull(2) ? "" : reader.GetString(2);
        }
    }

    /// <summary>The query for whole hashes and single fields, whose rows go into <paramref name="into"/> by key and field.</summary>
    public LockedQuery Query(IReadOnlyCollection<string> wholeKeys, IReadOnlyCollection<KeyValuePair<string, string>> fields, Dictionary<string, Dictionary<string, string>> into)
    {
        // A field of a hash read whole comes with it.
        var single = fields.Where(f => !wholeKeys.Contains(f.Key)).ToList();
        return new LockedQuery(
            () =>
            {
                var command = new NpgsqlBatchCommand(_sql);
                command.Parameters.Add(PostgreSqlText.TextArray(wholeKeys));
                command.Parameters.Add(PostgreSqlText.TextArray(single.Select(f => f.Key)));
                command.Parameters.Add(PostgreSqlText.TextArray(single.Select(f => f.Value)));
                return command;
            },
            reader => Consume(reader, into));
    }
}
