namespace Pipelines.Cli.Tests;

/// <summary>Real processes stop gracefully on SIGTERM (a service manager) and SIGINT (Ctrl-C).</summary>
[Collection("cli")]
public sealed class ServeSignalTests
{
    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Serve_exits_0_on_the_signal_and_frees_its_port(string signal)
    {
        await using var serve = await SampleProcess.ServeAsync();
        Assert.False(SampleProcess.PortIsFree(serve.Port));

        await serve.SignalAsync(signal);
        var exit = await serve.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Assert.True(exit == 0, $"serve after SIG{signal}: exit {exit?.ToString() ?? "none (still running after 20 s)"}\n{serve.Output}");
        Assert.True(SampleProcess.PortIsFree(serve.Port), $"port {serve.Port} still in use after serve exited");
        Assert.Contains("Stopped.", serve.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task A_backfill_running_in_process_stops_watching_on_the_signal_with_exit_130(string signal)
    {
        // A year of sessions on in-memory storage: far from done when the signal comes.
        await using var backfill = await SampleProcess.StartAsync("..2023-12-31", "backfill", "nightly_dataload", "--from", "2023-01-01", "--to", "2023-12-31");

        await backfill.SignalAsync(signal);
        var exit = await backfill.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Assert.True(exit == 130, $"backfill after SIG{signal}: exit {exit?.ToString() ?? "none (still running after 20 s)"}\n{backfill.Output}");
    }
}
