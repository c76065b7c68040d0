using System;
using System.Collections.Generic;
using System.Linq;
using Npgsql;
using NpgsqlTypes;

namespace Pipelines.Hangfire;

/// <summary>
/// <see cref="IPipelineReadStorage"/> on Hangfire.PostgreSql's <c>hash</c> table: whole hashes and single fields in one
/// query, on the session that holds the step's advisory lock (the rows Hangfire.PostgreSql's own reads return).
/// </summary>
internal sealed class PostgreSqlHashReads
{
    private readonly string _sql;

    /// <param name="schema">Hangfire.PostgreSql's schema.</param>
    public PostgreSqlHashReads(string schema)
    {
        var quoted = "\"" + schema.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        _sql = $"""
            SELECT h."key", h."field", h."value" FROM {quoted}."hash" AS h WHERE h."key" = ANY($1)
            UNION ALL
            SELECT h."key", h."field", h."value" FROM {quoted}."hash" AS h
            JOIN unnest($2::text[], $3::text[]) AS w("key", "field") ON h."key" = w."key" AND h."field" = w."field"
            """;
    }

    public IReadOnlyDictionary<string, Dictionary<string, string>> Read(NpgsqlConnection connection, IReadOnlyCollection<string> wholeKeys, IReadOnlyCollection<KeyValuePair<string, string>> fields)
    {
        // A field of a hash read whole comes with it.
        var single = fields.Where(f => !wholeKeys.Contains(f.Key)).ToList();
        using var command = new NpgsqlCommand(_sql, connection);
        command.Parameters.Add(TextArray(wholeKeys));
        command.Parameters.Add(TextArray(single.Select(f => f.Key)));
        command.Parameters.Add(TextArray(single.Select(f => f.Value)));
        var result = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var key = reader.GetString(0);
            if (!result.TryGetValue(key, out var hash)) result[key] = hash = new Dictionary<string, string>(StringComparer.Ordinal);
            hash[reader.GetString(1)] = reader.IsDBNull(2) ? "" : reader.GetString(2);
        }
        return result;
    }

    private static NpgsqlParameter TextArray(IEnumerable<string> values) =>
        new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };
}
