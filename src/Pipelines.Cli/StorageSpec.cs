using System;
using Hangfire;
using Npgsql;
using Pipelines.Hangfire;

namespace Pipelines.Cli;

/// <summary>Which Hangfire storage a command uses: the embedded in-memory default, or a PostgreSQL database.</summary>
internal sealed class StorageSpec
{
    private StorageSpec(string? postgres) => PostgresConnectionString = postgres;

    /// <summary>The Npgsql connection string, or null for in-memory storage.</summary>
    public string? PostgresConnectionString { get; }

    public bool IsInMemory => PostgresConnectionString is null;

    public string Describe() => IsInMemory
        ? "in-memory storage"
        : $"PostgreSQL at {new NpgsqlConnectionStringBuilder(PostgresConnectionString).Host}:{new NpgsqlConnectionStringBuilder(PostgresConnectionString).Port}/{new NpgsqlConnectionStringBuilder(PostgresConnectionString).Database}";

    /// <summary>Parses <c>memory</c>, a <c>postgres://user:password@host:port/database</c> URL, or an Npgsql connection string.</summary>
    public static StorageSpec Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text is "memory" or "inmemory" or "in-memory") return new StorageSpec(null);
        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
                throw new CliException($"'{text}' is not a PostgreSQL URL; write it as postgres://user:password@host:5432/database.");
            var user = uri.UserInfo.Split(':', 2);
            var builder = new NpgsqlConnectionStringBuilder
            {
                Host = uri.Host,
                Port = uri.Port > 0 ? uri.Port : 5432,
                Database = uri.AbsolutePath.Trim('/') is { Length: > 0 } db ? Uri.UnescapeDataString(db) : "postgres",
                Username = user.Length > 0 && user[0].Length > 0 ? Uri.UnescapeDataString(user[0]) : null,
                Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
            };
            return new StorageSpec(builder.ConnectionString);
        }
        if (text.Contains('=', StringComparison.Ordinal))
        {
            try
            {
                return new StorageSpec(new NpgsqlConnectionStringBuilder(text).ConnectionString);
            }
            catch (ArgumentException ex)
            {
                throw new CliException($"'{text}' is not a valid Npgsql connection string: {ex.Message}");
            }
        }
        throw new CliException($"unknown storage '{text}'; use 'memory' (the default), postgres://user:password@host:5432/database, or an Npgsql connection string.");
    }

    /// <summary>Configures Hangfire for this storage, after checking that a database is reachable.</summary>
    public void Configure(IGlobalConfiguration configuration)
    {
        if (IsInMemory) configuration.UsePipelinesInMemoryStorage();
        else configuration.UsePipelinesPostgreSqlStorage(PostgresConnectionString!);
    }

    /// <summary>Fails with one clear line when PostgreSQL cannot be reached.</summary>
    public void EnsureReachable()
    {
        if (IsInMemory) return;
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString) { Timeout = 5 };
            using var connection = new NpgsqlConnection(builder.ConnectionString);
            connection.Open();
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or InvalidOperationException)
        {
            throw new CliException($"cannot reach {Describe()}: {ex.Message.Split('\n')[0].Trim()}", exitCode: 3);
        }
    }
}
