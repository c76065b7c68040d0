using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
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

    // Without a database the server takes the user's name, as libpq and Npgsql do. Each host of a list with its port (its
    // own, or the one the others share).
    private static string DescribePostgres(NpgsqlConnectionStringBuilder b) =>
        $"PostgreSQL at {string.Join(",", (b.Host ?? "").Split(',').Select(host => HasPort(host) ? host : $"{host}:{b.Port}"))}/{b.Database ?? b.Username}";

    /// <summary>Whether a host of a host list names its own port (<c>db1:5433</c>, <c>[::1]:5433</c>; not <c>::1</c>).</summary>
    private static bool HasPort(string host)
    {
        var colon = host.LastIndexOf(':');
        return colon > 0 && int.TryParse(host.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _)
            && (host[0] == '[' ? host[colon - 1] == ']' : host.IndexOf(':') == colon);
    }

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
    /// as an Npgsql connection string: the query's parameters by libpq's names, or by Npgsql's keywords. Several hosts, each
    /// with its port or the one they share (<c>postgres://etl@db1:5432,db2:5432/warehouse?target_session_attrs=primary</c>),
    /// become Npgsql's host list, which tries them in order (or spread, with <c>load_balance_hosts=random</c>). A socket
    /// path is read from <c>?host=</c>, or percent-encoded in the host part (<c>%2Fvar%2Frun%2Fpostgresql</c>).
    /// </summary>
    private static string ParsePostgres(string text)
    {
        // What the errors show of the URL: never its password.
        var shown = Redacted(text);
        const string Form = "write it as postgres://user:password@host:5432/database (several hosts as host1:5432,host2:5432; parameters after '?', such as ?sslmode=require), or pass an Npgsql connection string.";
        // A host list is not a URL's authority: the rest of the URL is read with one host in its place.
        var hosts = HostList(text, shown, Form, out var oneHost);
        if (!Uri.TryCreate(oneHost, UriKind.Absolute, out var uri))
            throw new CliException($"'{shown}' is not a PostgreSQL URL this command reads (a character in a password or a name may need percent-encoding, such as %23 for '#'); {Form}");
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
        // The list replaces the stand-in host it was read with; a ?host= parameter below names the hosts instead.
        if (hosts is not null) builder.Host = hosts;
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
    /// The hosts of a URL that names several (<c>db1:5432,db2,[::1]:5433</c>) as Npgsql's host list, each host
    /// percent-decoded and with its own port where it gives one; and the URL with one stand-in host in their place
    /// (<paramref name="oneHost"/>, the URL itself when it names one host or none). libpq's rule for the authority: it
    /// ends at the first '/' or '?', the user part at its last '@'.
    /// </summary>
    private static string? HostList(string text, string shown, string form, out string oneHost)
    {
        oneHost = text;
        var start = text.IndexOf("://", StringComparison.Ordinal) + 3;
        var end = text.IndexOfAny(new[] { '/', '?', '#' }, start);
        if (end < 0) end = text.Length;
        var at = text.LastIndexOf('@', end - 1, end - start);
        var hostsStart = at >= 0 ? at + 1 : start;
        var part = text[hostsStart..end];
        if (!part.Contains(',', StringComparison.Ordinal)) return null;
        var hosts = new List<string>();
        foreach (var entry in part.Split(','))
        {
            // [v6]:port, [v6], name:port or name; a port is a number from 1 to 65535.
            string host;
            string? port = null;
            if (entry.StartsWith('['))
            {
                var close = entry.IndexOf(']', StringComparison.Ordinal);
                if (close < 0 || (close + 1 < entry.Length && entry[close + 1] != ':')) throw BadHost(entry);
                host = entry[..(close + 1)];
                if (close + 1 < entry.Length) port = entry[(close + 2)..];
            }
            else
            {
                var colon = entry.IndexOf(':', StringComparison.Ordinal);
                host = Uri.UnescapeDataString(colon < 0 ? entry : entry[..colon]);
                if (colon >= 0) port = entry[(colon + 1)..];
            }
            if (host.Length == 0 || host == "[]") throw BadHost(entry);
            if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > 65535)) throw BadHost(entry);
            hosts.Add(port is null ? host : $"{host}:{port}");
        }
        // A stand-in without a port (a host without one takes the list's port, 5432 or ?port=): the list replaces it.
        oneHost = text[..hostsStart] + "localhost" + text[end..];
        return string.Join(",", hosts);

        CliException BadHost(string entry) =>
            new($"'{entry}' in '{shown}' is not a host; give each host of a list as name, name:port, [IPv6 address] or [IPv6 address]:port (a port from 1 to 65535); {form}");
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
