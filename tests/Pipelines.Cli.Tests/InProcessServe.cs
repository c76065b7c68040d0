using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Cli.Tests;

/// <summary><c>serve</c> (on in-memory storage unless told) inside the test process, on a free port, stopped on dispose.</summary>
internal sealed class InProcessServe : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly StringWriter _output = new();
    private Task<int>? _serving;

    public int Port { get; } = FreePorts.Next();

    public string Url => $"http://127.0.0.1:{Port}";

    public static async Task<InProcessServe> StartAsync(Effects? effects = null, string storage = "memory", PipelineDefinition[]? pipelines = null)
    {
        var serve = new InProcessServe();
        serve._serving = PipelinesCli.RunAsync(new[] { "serve", "--port", serve.Port.ToString(CultureInfo.InvariantCulture), "--storage", storage }, o =>
        {
            o.Pipelines = pipelines ?? new[] { NightlyLoad.Definition, AdhocReport.Definition };
            o.Out = serve._output;
            o.Error = serve._output;
            o.ConfigureServices = s => s.AddSingleton(effects ?? new Effects());
        }, serve._stop.Token);
        for (var i = 0; i < 100 && !serve._output.ToString().Contains("Dashboard:", StringComparison.Ordinal) && !serve._serving.IsCompleted; i++) await Task.Delay(100);
        if (serve._serving.IsCompleted) throw new InvalidOperationException("serve ended: " + serve._output);
        return serve;
    }

    /// <summary>Stops serve and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        _stop.Cancel();
        return await _serving!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_serving is { IsCompleted: false }) await StopAsync();
        _stop.Dispose();
    }
}
