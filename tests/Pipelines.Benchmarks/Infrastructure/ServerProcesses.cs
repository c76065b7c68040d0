using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Threading.Channels;

namespace Pipelines.Benchmarks.Infrastructure;

/// <summary>
/// Hangfire server processes started by the harness: the benchmark assembly re-executed in <see cref="ServerWorker"/>
/// mode, all on one PostgreSQL database. Each is ended by its pid: asked to stop (a line on its stdin, then stdin closed),
/// and killed with its process tree if it has not exited 20 s later; on Ctrl-C, SIGTERM or when the harness exits, every live one
/// is killed at once. A server process also stops by itself when its stdin ends, which covers a harness that was killed.
/// </summary>
public sealed class ServerProcesses : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<int, Process> s_live = new();
    private readonly List<Server> _servers;

    // The harness's signal handler calls KillAll (Program.cs); an exit that skips the fleets' disposal ends them here.
    static ServerProcesses() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();

    private ServerProcesses(List<Server> servers) => _servers = servers;

    public IReadOnlyList<int> Pids => _servers.Select(s => s.Process.Id).ToArray();

    public int Count => _servers.Count;

    /// <summary>Starts <paramref name="count"/> server processes with <paramref name="workers"/> workers each and waits until all are ready.</summary>
    public static async Task<ServerProcesses> StartAsync(int count, string connectionString, int workers, TimeSpan readyTimeout)
    {
        var servers = new List<Server>();
        var fleet = new ServerProcesses(servers);
        try
        {
            for (var i = 0; i < count; i++) servers.Add(Server.Start(connectionString, workers));
            foreach (var server in servers)
            {
                var line = await server.ReadLineAsync(readyTimeout);
                if (line != "ready") throw new InvalidOperationException($"Server process {server.Process.Id} did not start: {line ?? "no answer"}. {server.Errors}");
            }
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync();
            throw;
        }
    }

    /// <summary>Asks each server process for its memory and CPU time.</summary>
    public async Task<ServerStats[]> StatsAsync()
    {
        var stats = new ServerStats[_servers.Count];
        for (var i = 0; i < _servers.Count; i++)
        {
            var server = _servers[i];
            await server.Process.StandardInput.WriteLineAsync("stats");
            await server.Process.StandardInput.FlushAsync();
            var line = await server.ReadLineAsync(TimeSpan.FromSeconds(60));
            var parts = line?.Split(' ');
            if (parts is not ["stats", var ws, var heap, var cpu, var jitMethods, var jitMs])
                throw new InvalidOperationException($"Server process {server.Process.Id} answered '{line}' to stats. {server.Errors}");
            static long Long(string text) => long.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
            stats[i] = new ServerStats(Long(ws), Long(heap), Long(cpu), Long(jitMethods), Long(jitMs));
        }
        return stats;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            try
            {
                await server.Process.StandardInput.WriteLineAsync("stop");
                server.Process.StandardInput.Close();
            }
            catch (Exception e) when (e is IOException or InvalidOperationException) { }
        }
        foreach (var server in _servers)
        {
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try { await server.Process.WaitForExitAsync(wait.Token); }
            catch (OperationCanceledException) { Kill(server.Process); }
            s_live.TryRemove(server.Process.Id, out _);
            server.Process.Dispose();
        }
    }

    /// <summary>Kills every live server process with its tree, by pid; returns their pids.</summary>
    public static IReadOnlyList<int> KillAll()
    {
        var ended = new List<int>();
        foreach (var (pid, process) in s_live)
        {
            Kill(process);
            ended.Add(pid);
        }
        return ended;
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { }
    }

    /// <summary>One server process: its stdout as a channel of lines, its stderr kept for error messages.</summary>
    private sealed class Server
    {
        private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
        private readonly System.Text.StringBuilder _errors = new();

        private Server(Process process) => Process = process;

        public Process Process { get; }

        public string Errors
        {
            get { lock (_errors) return _errors.Length == 0 ? "" : "stderr: " + _errors.ToString().Trim(); }
        }

        public static Server Start(string connectionString, int workers)
        {
            var self = Environment.ProcessPath ?? throw new InvalidOperationException("The harness cannot find its own executable.");
            var start = new ProcessStartInfo(self)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            // Run as `dotnet Pipelines.Benchmarks.dll`, the harness re-executes the same way; run by its apphost, directly.
            if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
            foreach (var argument in new[] { ServerWorker.Mode, "--connection", connectionString, "--workers", workers.ToString(System.Globalization.CultureInfo.InvariantCulture) })
                start.ArgumentList.Add(argument);

            var process = new Process { StartInfo = start, EnableRaisingEvents = true };
            var server = new Server(process);
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null) server._lines.Writer.TryComplete();
                else server._lines.Writer.TryWrite(e.Data);
            };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (server._errors) if (server._errors.Length < 4000) server._errors.AppendLine(e.Data);
            };
            process.Start();
            s_live[process.Id] = process;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return server;
        }

        public async Task<string?> ReadLineAsync(TimeSpan timeout)
        {
            using var cancel = new CancellationTokenSource(timeout);
            try
            {
                return await _lines.Reader.ReadAsync(cancel.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
            {
                return null;
            }
        }
    }
}
