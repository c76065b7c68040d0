using System.Diagnostics;
using Npgsql;

namespace Pipelines.Hangfire.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server for the tests: the one named by PIPELINES_TEST_POSTGRES, or else a private instance
/// started from the installed binaries (Debian's postgresql package, which .ci/run installs) in a temporary folder,
/// on a free loopback port, stopped when the test process exits.
/// </summary>
public static class PostgresServer
{
    private static readonly Lazy<string> s_connectionString = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A connection string to the server's maintenance database.</summary>
    public static string ConnectionString => s_connectionString.Value;

    /// <summary>Creates an empty database and returns a connection string to it.</summary>
    public static string CreateDatabase(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(60, prefix.Length + 33)].ToLowerInvariant();
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using (var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection)) command.ExecuteNonQuery();
        return new NpgsqlConnectionStringBuilder(ConnectionString) { Database = name, Pooling = true, MaxPoolSize = 50 }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabase"/>.</summary>
    public static void DropDatabase(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        command.ExecuteNonQuery();
    }

    private static string Start()
    {
        var configured = Environment.GetEnvironmentVariable("PIPELINES_TEST_POSTGRES");
        if (!string.IsNullOrWhiteSpace(configured)) return configured;

        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).OrderDescending().FirstOrDefault()
            : null;
        if (bin is null)
            throw new InvalidOperationException("PostgreSQL is not installed: run 'apt-get install postgresql' (as .ci/run does), or set PIPELINES_TEST_POSTGRES to a connection string.");

        var data = Path.Combine(Path.GetTempPath(), $"pipelines-pg-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(data);
        var asRoot = Environment.UserName == "root";
        if (asRoot) Run("chown", "-R", "postgres:postgres", data);
        var port = FreePorts.Next();

        RunAs(asRoot, Path.Combine(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync");
        RunAs(asRoot, Path.Combine(bin, "pg_ctl"), "-D", data, "-l", Path.Combine(data, "server.log"), "-w", "-t", "60",
            "-o", $"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off",
            "start");

        // The exit handler below does not run when the test runner kills a test host that is slow to stop; a watchdog
        // shell then stops the server (pg_ctl finds it by the pid file in its data folder) once this process is gone.
        var stop = (asRoot ? "runuser -u postgres -- " : "") + $"'{Path.Combine(bin, "pg_ctl")}' -D '{data}' -m immediate -w stop";
        var watchdog = new ProcessStartInfo("/bin/sh") { WorkingDirectory = Path.GetTempPath(), UseShellExecute = false };
        foreach (var argument in new[] { "-c", $"while kill -0 {Environment.ProcessId} 2>/dev/null && [ -d '{data}' ]; do sleep 1; done; [ -d '{data}' ] && {stop} >/dev/null 2>&1; rm -rf '{data}'", "pg-watchdog" })
            watchdog.ArgumentList.Add(argument);
        Process.Start(watchdog)?.Dispose();

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { RunAs(asRoot, Path.Combine(bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"); } catch (InvalidOperationException) { }
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        };
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=30;Command Timeout=60";
    }

    private static void RunAs(bool asRoot, string program, params string[] arguments)
    {
        if (asRoot) Run("runuser", new[] { "-u", "postgres", "--", program }.Concat(arguments).ToArray());
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
