using System.Diagnostics;
using System.Reflection;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.FaultInjection.Tests.Infrastructure;

/// <summary>
/// One slot of the fleet: a real `dotnet Pipelines.FaultInjection.App.dll serve --storage ... --port ...` process,
/// which the suite kills with SIGKILL and starts again. Every incarnation appends its stdout and stderr to the slot's
/// log file, behind a header line with its pid, so a failure can be traced to the process that caused it.
/// </summary>
public sealed class ServeProcess : IDisposable
{
    private readonly string _storage;
    private readonly string _sideEffects;
    private readonly object _gate = new();
    private readonly object _logGate = new();
    private Process? _process;
    private StreamWriter? _log;

    public ServeProcess(string name, string storage, string sideEffects, string logFile)
    {
        Name = name;
        _storage = storage;
        _sideEffects = sideEffects;
        LogFile = logFile;
    }

    /// <summary>The slot's name in messages, for example "serve-1".</summary>
    public string Name { get; }

    /// <summary>Where every incarnation's output goes.</summary>
    public string LogFile { get; }

    /// <summary>The current incarnation's pid, or null when none was started.</summary>
    public int? Pid { get; private set; }

    /// <summary>The app the fleet runs: FAULT_APP_DLL, or the app project's output for this configuration.</summary>
    public static string AppPath => Environment.GetEnvironmentVariable("FAULT_APP_DLL") is { Length: > 0 } path
        ? path
        : typeof(ServeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FaultAppPath").Value!;

    /// <summary>Starts a new incarnation on a free port.</summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_process is { HasExited: false }) throw new InvalidOperationException($"{Name} is already running as pid {_process.Id}.");
            if (!File.Exists(AppPath)) throw new FileNotFoundException($"The fault-injection app is not built: {AppPath} (build tests/Pipelines.FaultInjection.App, or set FAULT_APP_DLL).");
            _process?.Dispose();
            var port = FreePorts.Next();
            var start = new ProcessStartInfo(DotnetHost())
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = Path.GetDirectoryName(LogFile)!,
            };
            foreach (var argument in new[] { AppPath, "serve", "--storage", _storage, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
                start.ArgumentList.Add(argument);
            start.Environment["FAULT_SIDE_EFFECTS"] = _sideEffects;
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            lock (_logGate) _log ??= new StreamWriter(new FileStream(LogFile, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
            var process = new Process { StartInfo = start, EnableRaisingEvents = true };
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) WriteLog($"out {e.Data}"); };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) WriteLog($"err {e.Data}"); };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            WriteLog($"=== {Name} started as pid {process.Id} on port {port}");
            _process = process;
            Pid = process.Id;
        }
    }

    /// <summary>
    /// SIGKILL to the current incarnation (and its children); returns the pid and the moment it was certainly dead.
    /// That moment, not the call, is the kill's time: Kill(true) walks the process tree before signalling, and a
    /// task observed ending 18 ms after the call showed the process still ran in between.
    /// </summary>
    public (int Pid, DateTime At) Kill()
    {
        lock (_gate)
        {
            var process = _process ?? throw new InvalidOperationException($"{Name} was never started.");
            var called = DateTime.UtcNow;
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
            var dead = DateTime.UtcNow;
            WriteLog($"=== {Name} pid {process.Id} killed with SIGKILL (called {FaultClock.Format(called)}, dead by {FaultClock.Format(dead)})");
            return (process.Id, dead);
        }
    }

    /// <summary>Whether the current incarnation has exited without being killed by the suite, and its exit code.</summary>
    public int? ExitCode
    {
        get
        {
            lock (_gate) return _process is { HasExited: true } p ? p.ExitCode : null;
        }
    }

    /// <summary>Waits until the current incarnation printed that it serves.</summary>
    public async Task WaitUntilServingAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var marker = $"=== {Name} started as pid {Pid}";
        while (DateTime.UtcNow < deadline)
        {
            var text = ReadLog();
            var from = text.LastIndexOf(marker, StringComparison.Ordinal);
            if (from >= 0 && text.IndexOf(" out Serving ", from, StringComparison.Ordinal) >= 0) return;
            if (ExitCode is { } code) throw new InvalidOperationException($"{Name} (pid {Pid}) exited with {code} before serving; its log {LogFile}:\n{Tail(text, 20)}");
            await Task.Delay(100);
        }
        throw new TimeoutException($"{Name} (pid {Pid}) did not print 'Serving' within {timeout.TotalSeconds:0} s; its log {LogFile}:\n{Tail(ReadLog(), 20)}");
    }

    /// <summary>The slot's whole log so far.</summary>
    public string ReadLog()
    {
        using var stream = new FileStream(LogFile, FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd();
    }

    public static string Tail(string text, int lines) => string.Join('\n', text.Split('\n').TakeLast(lines));

    /// <summary>Ends the current incarnation by its id (SIGKILL: the suite never needs a graceful end here).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_process is { } process)
            {
                try { if (!process.HasExited) { process.Kill(entireProcessTree: true); process.WaitForExit(10_000); } } catch (InvalidOperationException) { }
                process.Dispose();
            }
            _process = null;
            lock (_logGate)
            {
                _log?.Dispose();
                _log = null;
            }
        }
    }

    /// <summary>A line in the slot's log; output arriving after Dispose (a dying process's last lines) is dropped.</summary>
    private void WriteLog(string line)
    {
        lock (_logGate) _log?.WriteLine($"{Stamp()} {line}");
    }

    private static string Stamp() => DateTime.UtcNow.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The dotnet host running this test (DOTNET_HOST_PATH under dotnet test), else dotnet on PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
