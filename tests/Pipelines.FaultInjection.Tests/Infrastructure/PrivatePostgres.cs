using System.Diagnostics;
using Npgsql;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.FaultInjection.Tests.Infrastructure;

/// <summary>
/// A private PostgreSQL server for one test, started from Debian's binaries (the same way as
/// tests/Pipelines.Hangfire.Tests/Infrastructure/PostgresServer.cs) in a temporary folder on a free loopback port.
/// Unlike that shared fixture it belongs to one test, so the test may stop and start it (a database restart mid-run)
/// without disturbing anyone else; PIPELINES_TEST_POSTGRES is ignored for the same reason.
/// </summary>
public sealed class PrivatePostgres : IDisposable
{
    private readonly string _bin;
    private readonly bool _asRoot;

    private PrivatePostgres(string bin, string dataDirectory, int port, bool asRoot)
    {
        _bin = bin;
        DataDirectory = dataDirectory;
        Port = port;
        _asRoot = asRoot;
    }

    /// <summary>The cluster's data folder (PGDATA).</summary>
    public string DataDirectory { get; }

    /// <summary>The loopback port it listens on.</summary>
    public int Port { get; }

    /// <summary>pg_ctl of the installed PostgreSQL.</summary>
    public string PgCtl => Path.Combine(_bin, "pg_ctl");

    /// <summary>The server's own log.</summary>
    public string LogFile => Path.Combine(DataDirectory, "server.log");

    /// <summary>A connection string to the maintenance database.</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Timeout=15;Command Timeout=60";

    /// <summary>initdb and start a new server.</summary>
    public static PrivatePostgres Start()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        if (bin is null)
            throw new InvalidOperationException("PostgreSQL is not installed: run 'apt-get install postgresql' (as .ci/run does).");

        var data = Path.Combine(Path.GetTempPath(), $"pipelines-faults-pg-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(data);
        var asRoot = Environment.UserName == "root";
        if (asRoot) Run("chown", "-R", "postgres:postgres", data);
        var server = new PrivatePostgres(bin, data, FreePorts.Next(), asRoot);
        server.RunAsOwner(Path.Combine(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
        server.StartServer();
        return server;
    }

    /// <summary>Starts the (stopped) server and waits until it accepts connections.</summary>
    public void StartServer() =>
        RunAsOwner(PgCtl, "-D", DataDirectory, "-l", LogFile, "-w", "-t", "60",
            "-o", $"-p {Port} -k {DataDirectory} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            "start");

    /// <summary>Stops the server the way an operator restarting it does: fast shutdown, sessions are terminated.</summary>
    public void StopServer() => RunAsOwner(PgCtl, "-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop");

    /// <summary>Creates an empty database and returns a connection string to it.</summary>
    public string CreateDatabase(string name)
    {
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using (var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection)) command.ExecuteNonQuery();
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name }.ConnectionString;
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        try { RunAsOwner(PgCtl, "-D", DataDirectory, "-m", "immediate", "-w", "stop"); } catch (InvalidOperationException) { }
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private void RunAsOwner(string program, params string[] arguments)
    {
        if (_asRoot) Run("runuser", new[] { "-u", "postgres", "--", program }.Concat(arguments).ToArray());
        else Run(program, arguments);
    }

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000)) { process.Kill(true); throw new InvalidOperationException($"{program} did not finish in two minutes."); }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {output.Result}{error.Result}");
    }
}
