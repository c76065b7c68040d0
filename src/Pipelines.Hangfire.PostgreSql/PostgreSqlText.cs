using System;
using System.Collections.Generic;
using System.Linq;
using Npgsql;
using NpgsqlTypes;

namespace Pipelines.Hangfire;

/// <summary>The text parameters and quoted schema name the runtime's own SQL on Hangfire.PostgreSql's tables uses.</summary>
internal static class PostgreSqlText
{
    /// <summary>Hangfire.PostgreSql's schema as a quoted identifier.</summary>
    public static string Schema(string schema) => "\"" + schema.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static NpgsqlParameter Text(string value) => new() { Value = value, NpgsqlDbType = NpgsqlDbType.Text };

    public static NpgsqlParameter TextArray(IEnumerable<string> values) =>
        new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };
}
