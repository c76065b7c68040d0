using Hangfire;
using Hangfire.Logging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipelines.Hangfire;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Dashboard.Tests;

/// <summary>A live app: Hangfire on in-memory storage, the Pipelines runtime, and the dashboard on a free loopback port.</summary>
public sealed class DashboardHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DashboardHost(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public PipelineOperations Operations => _app.Services.GetRequiredService<PipelineOperations>();

    public Switches Switches => _app.Services.GetRequiredService<Switches>();

    public static async Task<DashboardHost> StartAsync(bool readOnly = false, global::Hangfire.Dashboard.IDashboardAuthorizationFilter? authorization = null, PipelineDefinition[]? pipelines = null)
    {
        var port = FreePorts.Next();
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddSingleton(new Switches());
        builder.Services.AddAntiforgery();
        builder.Services.AddHangfire(c => c
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseLogProvider(new Silent())
            .UsePipelinesInMemoryStorage());
        builder.Services.AddPipelines(o =>
        {
            o.Pipelines = pipelines ?? new[] { Etl.Definition };
            o.Pools["vendor_api"] = 4;
        });
        builder.Services.AddHangfireServer();
        var app = builder.Build();
        app.UseHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = authorization is null ? Array.Empty<global::Hangfire.Dashboard.IDashboardAuthorizationFilter>() : new[] { authorization },
            IsReadOnlyFunc = _ => readOnly,
        });
        await app.StartAsync();
        return new DashboardHost(app, $"http://127.0.0.1:{port}/hangfire");
    }

    public async Task<PipelineRun> WaitAsync(string runId)
    {
        for (var i = 0; i < 600; i++)
        {
            var run = Operations.GetRun("etl", runId)!;
            if (run.State.IsFinished()) return run;
            await Task.Delay(50);
        }
        throw new TimeoutException($"run {runId} did not finish");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class Silent : ILogProvider
    {
        public ILog GetLogger(string name) => new NoLog();

        private sealed class NoLog : ILog
        {
            public bool Log(global::Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
        }
    }
}
