namespace Pipelines.Cli.Tests;

/// <summary>A real <c>serve</c> process stops gracefully on SIGTERM (a service manager) and SIGINT (Ctrl-C).</summary>
[Collection("cli")]
public sealed class ServeSignalTests
{
    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Serve_exits_0_on_the_signal_and_frees_its_port(string signal)
    {
        await using var serve = await ServeProcess.StartAsync();
        Assert.False(ServeProcess.PortIsFree(serve.Port));

        await serve.SignalAsync(signal);
        var exit = await serve.WaitForExitAsync(TimeSpan.FromSeconds(20));

        Assert.True(exit == 0, $"serve after SIG{signal}: exit {exit?.ToString() ?? "none (still running after 20 s)"}\n{serve.Output}");
        Assert.True(ServeProcess.PortIsFree(serve.Port), $"port {serve.Port} still in use after serve exited");
        Assert.Contains("Stopped.", serve.Output, StringComparison.Ordinal);
    }
}
