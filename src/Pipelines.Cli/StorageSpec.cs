using System;
using System.Text.RegularExpressions;
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
            : DescribePostgres(new NpgsqlConnectionStringBuilder(PostgresConnectionString));

    // Without a database the server takes the user's name, as libpq and Npgsql do.
    private static string DescribePostgres(NpgsqlConnectionStringBuilder b) => $"PostgreSQL at {b.Host}:{b.Port}/{b.Database ?? b.Username}";

    /// <summary>
    /// Parses <c>memory</c>, a <c>postgres://user:password@host:port/database?parameters</c> URL (libpq's connection URI), an Npgsql connection string, or a
    /// <c>redis://:password@host:port/db</c> URL (<c>rediss://</c> for TLS).
    /// </summary>
    public static StorageSpec Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text) || text is "memory" or "inmemory" or "in-memory") return new StorageSpec(null);
        if (text.StartsWith("redis://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("rediss://", StringComparison.OrdinalIgnoreCase))
            return new StorageSpec(null, ParseRedis(text));
        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return new StorageSpec(ParsePostgres(text));
        if (text.Contains('=', StringComparison.Ordinal))
        {
            try
            {
                return new StorageSpec(new NpgsqlConnectionStringBuilder(text).ConnectionString);
            }
            catch (ArgumentException ex)
            {
                throw new CliException($"'{Redacted(text)}' is not a valid Npgsql connection string: {ex.Message}");
            }
        }
        throw new CliException($"unknown storage '{text}'; use 'memory' (the default), postgres://user:password@host:5432/database, an Npgsql connection string, or redis://host:6379.");
    }

    /// <summary>
    /// libpq's connection URI (<c>postgres://user:password@host:port/database?sslmode=require&amp;application_name=etl</c>)
    /// as an Npgsql connection string: the query's parameters by libpq's names, or by Npgsql's keywords. Several hosts, or
    /// a socket path in the host part, are not read here (an Npgsql connection string takes them, or <c>?host=</c>).
    /// </summary>
    private static string ParsePostgres(string text)
    {
        // What the errors show of the URL: never its password.
        var shown = Redacted(text);
        const string Form = "write it as postgres://user:password@host:5432/database (parameters after '?', such as ?sslmode=require), or pass an Npgsql connection string.";
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
            throw new CliException($"'{shown}' is not a PostgreSQL URL this command reads (one host; several hosts need a connection string); {Form}");
        if (uri.Fragment.Length > 0)
            throw new CliException($"'{shown}' has a '#', which ends a URL; write a '#' in a password or a value as %23.");
        var user = uri.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            // An IPv6 address without its brackets.
            Host = uri.DnsSafeHost.Length > 0 ? uri.DnsSafeHost : null,
            Port = uri.Port > 0 ? uri.Port : 5432,
            // Without one the server takes the user's name, as libpq does.
            Database = uri.AbsolutePath.Trim('/') is { Length: > 0 } db ? Uri.UnescapeDataString(db) : null,
            Username = user[0].Length > 0 ? Uri.UnescapeDataString(user[0]) : null,
            Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
        };
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) throw new CliException($"'{Redacted(pair)}' in '{shown}' is not a parameter; {Form}");
            // Percent-encoding only, as libpq reads it: a '+' is a plus sign (a password may hold one), not a space.
            var name = Uri.UnescapeDataString(pair[..equals]);
            var value = Uri.UnescapeDataString(pair[(equals + 1)..]);
            var keyword = LibpqKeyword(name, ref value);
            if (!builder.ContainsKey(keyword))
                throw new CliException($"'{name}' in '{shown}' is not a PostgreSQL connection parameter; use libpq's names (sslmode, sslrootcert, application_name, connect_timeout, target_session_attrs, options, ...) or Npgsql's keywords.");
            var refused = $"'{name}' in '{shown}' does not take '{(keyword.EndsWith("Password", StringComparison.OrdinalIgnoreCase) ? "***" : value)}'";
            // An enum's number is not one of its words (sslmode=42).
            if (value.Length > 0 && char.IsAsciiDigit(value[0]) && builder[keyword] is Enum) throw new CliException(refused + ".");
            try
            {
                builder[keyword] = value;
            }
            catch (ArgumentException ex)
            {
                throw new CliException($"{refused}: {(ex.InnerException ?? ex).Message.Split('\n')[0].Trim()}");
            }
        }
        if (string.IsNullOrEmpty(builder.Host))
            throw new CliException($"'{shown}' names no host; {Form}");
        return builder.ConnectionString;
    }

    /// <summary>
    /// A URL or a connection string with its passwords shown as <c>***</c>: a URL's in its user part, and any parameter or
    /// keyword whose name ends in <c>password</c> (<c>password=</c>, <c>sslpassword=</c>, <c>Password=</c>, <c>SSL Password=</c>).
    /// </summary>
    private static string Redacted(string text)
    {
        // Up to the last '@': a password may hold any character, '#', '/' and '?' unencoded among them.
        var shown = Regex.Replace(text, "^([a-z]+://[^:/@?#]*:).*@", "$1***@", RegexOptions.IgnoreCase);
        return Regex.Replace(shown, "((?:^|[?&;])[^?&;=]*password\\s*=)[^&;]*", "$1***", RegexOptions.IgnoreCase);
    }

    /// <summary>
    /// The Npgsql keyword for a libpq URI parameter, its value in Npgsql's spelling (<c>sslmode=verify-full</c> is
    /// <c>SSL Mode=VerifyFull</c>); any other name is passed as it is, for Npgsql to take as one of its own keywords or refuse.
    /// </summary>
    private static string LibpqKeyword(string name, ref string value)
    {
        switch (name)
        {
            case "sslmode":
            case "channel_binding":
            case "gssencmode":
                // libpq's disable, prefer, require, verify-ca, verify-full; Npgsql's enums are the same words without hyphens.
                value = value.Replace("-", "", StringComparison.Ordinal);
                return name switch { "sslmode" => "SSL Mode", "channel_binding" => "Channel Binding", _ => "GSS Encryption Mode" };
            case "sslnegotiation": return "SSL Negotiation";
            case "host": return "Host";
            case "port": return "Port";
            case "dbname": return "Database";
            case "user": return "Username";
            case "password": return "Password";
            case "passfile": return "Passfile";
            case "connect_timeout": return "Timeout";
            case "application_name": return "Application Name";
            case "client_encoding": return "Client Encoding";
            case "options": return "Options";
            case "sslcert": return "SSL Certificate";
            case "sslkey": return "SSL Key";
            case "sslpassword": return "SSL Password";
            case "sslrootcert": return "Root Certificate";
            case "target_session_attrs": return "Target Session Attributes";
            case "krbsrvname": return "Kerberos Service Name";
            case "load_balance_hosts":
                // libpq's disable or random; Npgsql's is a switch.
                value = value switch { "random" => "true", "disable" => "false", _ => value };
                return "Load Balance Hosts";
            default: return name;
        }
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
        catch (Exception ex) when (ex is NotSupportedException or ArgumentException)
        {
            // Settings Npgsql checks together only when it connects (target_session_attrs with one host, pool sizes).
            throw new CliException($"the connection settings for {Describe()} do not go together: {ex.Message.Split('\n')[0].Trim()}");
        }
    }
}
