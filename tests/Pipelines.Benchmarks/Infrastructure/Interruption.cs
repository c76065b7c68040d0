using System.Runtime.InteropServices;

namespace Pipelines.Benchmarks.Infrastructure;

/// <summary>
/// Ctrl-C or a kill (SIGINT, SIGTERM): end the server processes by pid and exit, which stops the private PostgreSQL
/// server. Without this, the hosts' console lifetimes take the signal, stop themselves, and leave the harness waiting.
/// </summary>
public static class Interruption
{
    private static volatile bool s_requested;

    /// <summary>Whether the harness is exiting on a signal (a measurement failing then is the exit, not a finding).</summary>
    public static bool Requested => s_requested;

    /// <summary>The exit code for the signal: 128 + its number, as a shell reports it.</summary>
    public static int ExitCode { get; private set; }

    public static IDisposable Register() => new Registrations(
        PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle),
        PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle));

    private static void Handle(PosixSignalContext context)
    {
        ExitCode = context.Signal == PosixSignal.SIGINT ? 130 : 143;
        s_requested = true;
        var ended = ServerProcesses.KillAll();
        Console.Error.WriteLine($"interrupted by {context.Signal}: {(ended.Count == 0 ? "no server process was running" : "ended server processes " + string.Join(", ", ended))}");
        Environment.Exit(ExitCode);
    }

    private sealed class Registrations(params IDisposable[] all) : IDisposable
    {
        public void Dispose()
        {
            foreach (var one in all) one.Dispose();
        }
    }
}
