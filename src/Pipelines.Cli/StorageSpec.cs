using System;
using Hangfire;
using Npgsql;
using Pipelines.Hangfire;
using StackExchange.Redis;

namespace Pipelines.Cli;

/// <summary>Which Hangfire storage a command uses: the embedded in-memory default, a PostgreSQL database, or a Redis server.</summary>
internal sealed class StorageSpec
{
    private StorageSpec(string? postgres, string? redis = null)
    {
        PostgresConnectionString = postgres;
        RedisConfiguration = redis;
    }

    /// <summary>The Npgsql connection string, or null for in-memory storage.</summary>
    public string? PostgresConnectionString { get; }

    /// <summary>The StackExchange.Redis configuration string, or null when the storage is not Redis.</summary>
    public string? RedisConfiguration { get; }

    public bool IsInMemory => PostgresConnectionString is null && RedisConfiguration is null;

    public string Describe() => IsInMemory
        ? "in-memory storage"
        : RedisConfiguration is not null
            ? $"Redis at {string.Join(", ", ConfigurationOptions.Parse(RedisConfiguration).EndPoints)}"
            : $"PostgreSQL at {new NpgsqlConnectionStringBuilder(PostgresConnectionString).Host}:{new NpgsqlConnectionStringBuilder(PostgresConnectionString).Port}/{new NpgsqlConnectionStringBuilder(PostgresConnectionString).Database}";

    /// <summary>
    /// Parses <c>memory</c>, a <c>postgres://user:password@host:port/database</c> URL, an Npgsql connection string, or a
    /// <c>redis://:password@host:port/db</c> URL (<c>rediss://</c> for TLS).
    /// </summary>
    public static StorageSpec Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text is "memory" or "inmemory" or "in-memory") return new StorageSpec(null);
        if (text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
            return new StorageSpec(null, ParseRedis(text));
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
        throw new CliException($"unknown storage '{text}'; use 'memory' (the default), postgres://user:password@host:5432/database, an Npgsql connection string, or redis://host:6379.");
    }

    private static string ParseRedis(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw new CliException($"'{text}' is not a Redis URL; write it as redis://host:6379 (or redis://:password@host:6379/0).");
        var options = new ConfigurationOptions();
        if (uri.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase)) options.Ssl = true;
        options.EndPoints.Add(uri.Host, uri.Port > 0 ? uri.Port : 6379);
        var user = uri.UserInfo.Split(':', 2);
        if (user.Length > 1) options.Password = Uri.UnescapeDataString(user[1]);
        if (user[0].Length > 0) options.User = Uri.UnescapeDataString(user[0]);
        var path = uri.AbsolutePath.Trim('/');
        if (path.Length > 0)
        {
            if (!int.TryParse(path, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var db))
                throw new CliException($"'{text}' names database '{path}'; a Redis database is a number, such as redis://host:6379/0.");
            options.DefaultDatabase = db;
        }
        return options.ToString(includePassword: true);
    }

    /// <summary>Configures Hangfire for this storage, after checking that a database is reachable.</summary>
    public void Configure(IGlobalConfiguration configuration)
    {
        if (IsInMemory) configuration.UsePipelinesInMemoryStorage();
        else if (RedisConfiguration is not null) configuration.UsePipelinesRedisStorage(RedisConfiguration);
        else configuration.UsePipelinesPostgreSqlStorage(PostgresConnectionString!);
    }

    /// <summary>Fails with one clear line when PostgreSQL or Redis cannot be reached.</summary>
    public void EnsureReachable()
    {
        if (IsInMemory) return;
        if (RedisConfiguration is not null)
        {
            var options = ConfigurationOptions.Parse(RedisConfiguration);
            options.ConnectTimeout = 5000;
            options.AbortOnConnectFail = true;
            try
            {
                using var redis = ConnectionMultiplexer.Connect(options);
            }
            catch (RedisConnectionException ex)
            {
                throw new CliException($"cannot reach {Describe()}: {ex.Message.Split('\n')[0].Trim()}", exitCode: 3);
            }
            return;
        }
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
