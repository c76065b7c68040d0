using System.Diagnostics;

namespace Pipelines.Benchmarks.Generator;

/// <summary>
/// Runs this benchmark again in a child process with server garbage collection (<c>DOTNET_gcServer=1</c>), the setting the
/// compiler server runs generators under, and waits for it: its output is this process's, and so is its exit code. The
/// child is killed, by its id, if this process is stopped first.
/// </summary>
internal static class ServerGcProcess
{
    public static async Task<int> RunAsync(string[] args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        // Started as `dotnet Pipelines.Benchmarks.dll` or as the apphost: the entry assembly goes first for the former.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") start.ArgumentList.Add(typeof(ServerGcProcess).Assembly.Location);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_gcServer"] = "1";
        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start the benchmark's server-GC process");
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) => { e.Cancel = true; stop.Cancel(); };
        try
        {
            await child.WaitForExitAsync(stop.Token);
            return child.ExitCode;
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync();
            return 130;
        }
    }
}
