using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hangfire;
using Hangfire.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipelines.Hangfire;

namespace Pipelines.Cli;

/// <summary>The Pipelines runtime inside a command: Hangfire on the chosen storage, optionally with a server that runs tasks.</summary>
internal sealed class CliRuntime : IAsyncDisposable
{
    private readonly IHost _host;

    private CliRuntime(IHost host) => _host = host;

    public IServiceProvider Services => _host.Services;

    public PipelineOperations Operations => Services.GetRequiredService<PipelineOperations>();

    public static async Task<CliRuntime> StartAsync(PipelinesCliOptions options, StorageSpec storage, IReadOnlyList<PipelineDefinition> pipelines, bool withServer, CancellationToken cancellationToken)
    {
        storage.EnsureReachable();
        var builder = Host.CreateApplicationBuilder(Array.Empty<string>());
        builder.Logging.ClearProviders();
        Configure(builder.Services, options, storage, pipelines, withServer, registerSchedules: false);
        var host = builder.Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        return new CliRuntime(host);
    }

    /// <summary>The services every command's host has: the app's own, Hangfire on the storage, the Pipelines runtime.</summary>
    public static void Configure(IServiceCollection services, PipelinesCliOptions options, StorageSpec storage, IReadOnlyList<PipelineDefinition> pipelines, bool withServer, bool registerSchedules)
    {
        options.ConfigureServices?.Invoke(services);
        services.AddHangfire(c =>
        {
            c.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
             .UseSimpleAssemblyNameTypeSerializer()
             .UseRecommendedSerializerSettings()
             .UseLogProvider(new QuietLogProvider());
            storage.Configure(c);
        });
        services.AddPipelines(o =>
        {
            o.Pipelines = pipelines;
            o.Clock = options.Clock;
            o.RegisterSchedules = registerSchedules;
        });
        if (withServer)
        {
            var queues = new PipelineRegistry(pipelines).Queues;
            services.AddHangfireServer((_, o) =>
            {
                o.Queues = queues;
                o.WorkerCount = options.WorkerCount;
                o.SchedulePollingInterval = TimeSpan.FromSeconds(1);
                o.ServerName = $"pipelines-cli:{Environment.MachineName}:{Environment.ProcessId}";
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StopAsync(stop.Token).ConfigureAwait(false);
        _host.Dispose();
    }

    /// <summary>Keeps Hangfire's own chatter out of command output; errors still reach the task's recorded reason.</summary>
    private sealed class QuietLogProvider : ILogProvider
    {
        public ILog GetLogger(string name) => new QuietLog();

        private sealed class QuietLog : ILog
        {
            public bool Log(global::Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
        }
    }
}
