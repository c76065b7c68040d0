using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Pipelines.Hangfire.Tests.Infrastructure;

/// <summary>
/// A real Redis server for the tests: the one named by PIPELINES_TEST_REDIS, or else a private redis-server (Debian's
/// redis-server package, which .ci/run installs) on a free loopback port with its own folder and no persistence, ended
/// by its process id when the test process exits. Each test class isolates its keys with its own prefix.
/// </summary>
public static class RedisServer
{
    private static readonly Lazy<string> s_configuration = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A StackExchange.Redis configuration string for the server.</summary>
    public static string Configuration => s_configuration.Value;

    /// <summary>A key prefix no other test class uses.</summary>
    public static string NewPrefix(string name) => $"{name}-{Guid.NewGuid():N}:";

    private static string Start()
    {
        var configured = Environment.GetEnvironmentVariable("PIPELINES_TEST_REDIS");
        if (!string.IsNullOrWhiteSpace(configured)) return configured;

        var program = new[] { "/usr/bin/redis-server", "/usr/local/bin/redis-server" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Redis is not installed: run 'apt-get install redis-server' (as .ci/run does), or set PIPELINES_TEST_REDIS to a configuration string such as 127.0.0.1:6379.");

        var folder = Path.Combine(Path.GetTempPath(), $"pipelines-redis-{Environment.ProcessId}-{Guid.NewGuid():N}"[..43]);
        Directory.CreateDirectory(folder);
        var port = FreePorts.Next();
        // redis-server runs under a small shell that ends it when this test process is gone: the exit handler below
        // does not run when the test runner kills a test host that does not stop in time, and a server must never
        // outlive its tests.
        var start = new ProcessStartInfo("/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = folder,
        };
        foreach (var argument in new[] { "-c", Watchdog, "redis-watchdog", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), program })
            start.ArgumentList.Add(argument);
        foreach (var argument in new[]
        {
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", folder,
            "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "no", "--logfile", Path.Combine(folder, "redis.log"),
        })
            start.ArgumentList.Add(argument);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var pid = process.Id;

        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            // The watchdog shell passes SIGTERM on to redis-server (its child, by pid) and waits for it.
            try
            {
                using var running = Process.GetProcessById(pid);
                using (var term = Process.Start("kill", new[] { "-TERM", pid.ToString(System.Globalization.CultureInfo.InvariantCulture) })) term?.WaitForExit(5_000);
                if (!running.WaitForExit(5_000)) running.Kill();
            }
            catch (ArgumentException) { } // already gone
            catch (InvalidOperationException) { }
            catch (System.ComponentModel.Win32Exception) { }
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        };

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!Answers(port))
        {
            if (process.HasExited)
                throw new InvalidOperationException($"redis-server exited with {process.ExitCode}: {process.StandardError.ReadToEnd()}{ReadLog(folder)}");
            if (DateTime.UtcNow > deadline) throw new InvalidOperationException($"redis-server did not answer on port {port} within 30 seconds.{ReadLog(folder)}");
            Thread.Sleep(50);
        }
        return $"127.0.0.1:{port}";
    }

    // Runs "$@" (redis-server and its arguments) and ends it by its pid when the test process ($1) is gone or this shell
    // is asked to stop.
    private const string Watchdog = """
        host=$1; shift
        "$@" &
        child=$!
        trap 'kill "$child" 2>/dev/null; wait "$child"; exit 0' TERM INT
        while kill -0 "$host" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done
        kill "$child" 2>/dev/null
        wait "$child"
        """;

    /// <summary>Whether the server answers PING with PONG (inline command, no client library needed).</summary>
    private static bool Answers(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            using var stream = client.GetStream();
            stream.Write("PING\r\n"u8);
            var buffer = new byte[16];
            var read = stream.Read(buffer, 0, buffer.Length);
            return System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string ReadLog(string folder)
    {
        var log = Path.Combine(folder, "redis.log");
        return File.Exists(log) ? " " + File.ReadAllText(log) : "";
    }
}
