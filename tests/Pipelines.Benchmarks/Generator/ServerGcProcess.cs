using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Pipelines.Benchmarks.Generator;

/// <summary>
/// Runs this benchmark again in a child process with server garbage collection (<c>DOTNET_gcServer=1</c>), the setting the
/// compiler server runs generators under, and waits for it: its output is this process's, and so is its exit code. The
/// child is killed, by its id, if this process gets SIGINT or SIGTERM first.
/// </summary>
internal static class ServerGcProcess
{
    /// <summary>Set in the child: the runtime ignores <c>DOTNET_gcServer</c> on one CPU, and the child must not start another.</summary>
    private const string ChildVariable = "PIPELINES_BENCHMARK_GC_CHILD";

    /// <summary>Whether this process should start the child: not server GC, and not the child already.</summary>
    public static bool Needed => !System.Runtime.GCSettings.IsServerGC && Environment.GetEnvironmentVariable(ChildVariable) is null;

    public static async Task<int> RunAsync(string[] args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        // Started as `dotnet Pipelines.Benchmarks.dll` or as the apphost: the entry assembly goes first for the former.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet") start.ArgumentList.Add(typeof(ServerGcProcess).Assembly.Location);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["DOTNET_gcServer"] = "1";
        start.Environment[ChildVariable] = "1";
        using var child = Process.Start(start) ?? throw new InvalidOperationException("could not start the benchmark's server-GC process");
        using var stop = new CancellationTokenSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
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
