using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Cli.Tests;

/// <summary>The sample app as a real process of its own (serve, or another verb), so a test can send it signals; ended by its id on dispose.</summary>
internal sealed class SampleProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly string _dataFolder;

    private SampleProcess(Process process, int port, string dataFolder)
    {
        _process = process;
        Port = port;
        _dataFolder = dataFolder;
    }

    public int Port { get; }

    public int Id => _process.Id;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Starts <c>NightlyDataload.dll serve --port</c> on a free port and waits until it prints its dashboard address.</summary>
    public static Task<SampleProcess> ServeAsync()
    {
        var port = FreePorts.Next();
        return StartAsync(port, "Dashboard:", "serve", "--port", port.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Starts <c>NightlyDataload.dll</c> with <paramref name="args"/> and waits until its output contains <paramref name="ready"/>.</summary>
    public static Task<SampleProcess> StartAsync(string ready, params string[] args) => StartAsync(0, ready, args);

    private static async Task<SampleProcess> StartAsync(int port, string ready, params string[] args)
    {
        var dataFolder = Directory.CreateTempSubdirectory("sample-process-").FullName;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(SampleDll());
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["NIGHTLY_DATA"] = dataFolder;
        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var serve = new SampleProcess(process, port, dataFolder);
        process.OutputDataReceived += (_, e) => serve.Append(e.Data);
        process.ErrorDataReceived += (_, e) => serve.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!serve.Output.Contains(ready, StringComparison.Ordinal))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await serve.DisposeAsync();
                throw new InvalidOperationException($"the sample did not print '{ready}': " + serve.Output);
            }
            await Task.Delay(50);
        }
        return serve;
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>Sends a POSIX signal (TERM, INT) with /bin/kill.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("/bin/kill", new[] { "-" + signal, Id.ToString(CultureInfo.InvariantCulture) })!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>The exit code, or null when the process is still alive after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public static bool PortIsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string SampleDll()
    {
        // The sample is built beside the tests (a project reference without its assembly), in the same configuration.
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = testBin.Parent!.Name;
        var framework = testBin.Name;
        var root = testBin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Pipelines.Generators.sln"))) root = root.Parent;
        if (root is null) throw new InvalidOperationException("cannot find the repository root from " + AppContext.BaseDirectory);
        var dll = Path.Combine(root.FullName, "samples", "NightlyDataload", "bin", configuration, framework, "NightlyDataload.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException("build the sample first: dotnet build samples/NightlyDataload", dll);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        finally
        {
            _process.Dispose();
            try { Directory.Delete(_dataFolder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
