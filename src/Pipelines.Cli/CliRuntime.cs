using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hangfire;
using Hangfire.Logging;
using Microsoft.Extensions.Configuration;
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

    /// <summary>The Hangfire server in this process, or null when runs are left to the servers on the storage.</summary>
    public CliServer? Server { get; private init; }

    public static async Task<CliRuntime> StartAsync(PipelinesCliOptions options, StorageSpec storage, IReadOnlyList<PipelineDefinition> pipelines, CliServer? server, CancellationToken cancellationToken)
    {
        storage.EnsureReachable();
        var builder = Host.CreateApplicationBuilder(Array.Empty<string>());
        builder.Logging.ClearProviders();
        UseConfiguration(builder.Configuration, options);
        Configure(builder.Services, options, storage, pipelines, server, registerSchedules: false);
        var host = builder.Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        return new CliRuntime(host) { Server = server };
    }

    /// <summary>
    /// Servers on the storage whose last heartbeat is recent. Hangfire beats every 30 seconds by default, so two minutes
    /// leaves room for a slow beat without counting a server that died long ago (Hangfire removes those after 5 minutes).
    /// Only servers on one of <paramref name="queues"/> count: another command's <c>--local</c> server, on its private
    /// queue, runs nothing of the fleet's.
    /// </summary>
    public int LiveServerCount(IEnumerable<string> queues)
    {
        // Heartbeats are written by Hangfire with the real clock (in UTC), whatever clock the command was given.
        var now = NodaTime.SystemClock.Instance.GetCurrentInstant().ToDateTimeUtc();
        var wanted = queues.ToHashSet(StringComparer.Ordinal);
        var servers = Services.GetRequiredService<JobStorage>().GetMonitoringApi().Servers();
        return servers.Count(s => s.Heartbeat is { } beat && now - DateTime.SpecifyKind(beat, DateTimeKind.Utc) < TimeSpan.FromMinutes(2)
            && s.Queues is { } listening && listening.Any(wanted.Contains));
    }

    /// <summary>
    /// Makes the app's configuration (or the default one) the host's only configuration, instead of the builder's
    /// defaults, which read appsettings.json from the current directory and so would change with where the command runs.
    /// </summary>
    public static void UseConfiguration(IConfigurationBuilder configuration, PipelinesCliOptions options)
    {
        options.Configuration ??= PipelinesCliOptions.LoadConfiguration();
        configuration.Sources.Clear();
        configuration.AddConfiguration(options.Configuration);
    }

    /// <summary>The services every command's host has: the app's own, Hangfire on the storage, the Pipelines runtime.</summary>
    public static void Configure(IServiceCollection services, PipelinesCliOptions options, StorageSpec storage, IReadOnlyList<PipelineDefinition> pipelines, CliServer? server, bool registerSchedules)
    {
        // PipelinesCli.RunAsync handles Ctrl-C and SIGTERM for the whole command (the first stops it gracefully, a
        // second ends the process at once); the hosts' console lifetimes would swallow every signal while they stop.
        services.AddSingleton<IHostLifetime, CommandLifetime>();
        options.ConfigureServices?.Invoke(services);
        services.AddHangfire(c =>
        {
            c.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
             .UseSimpleAssemblyNameTypeSerializer()
             .UseRecommendedSerializerSettings()
             .UseLogProvider(new QuietLogProvider());
            storage.Configure(c);
        });
        void Fixed(PipelinesOptions o)
        {
            o.Pipelines = pipelines;
            o.Clock = options.Clock;
            o.RegisterSchedules = registerSchedules;
            // Only a host that works delivers the stored notifications: a watch-only verb on shared storage, whose
            // notifiers may not be the servers', must leave them to the servers.
            o.DeliverNotifications = server is not null;
        }
        // Retention, lock timeout and the rest come from the app's Pipelines section when it has one (checked at start).
        var section = options.Configuration?.GetSection(PipelinesCliOptions.PipelinesSection);
        if (section is not null && section.Exists()) services.AddPipelines(section, Fixed);
        else services.AddPipelines(Fixed);
        if (server is not null)
        {
            services.AddHangfireServer((_, o) =>
            {
                o.Queues = server.Queues.ToArray();
                o.WorkerCount = options.WorkerCount;
                o.SchedulePollingInterval = TimeSpan.FromSeconds(1);
                o.ServerName = server.Name;
            });
        }
    }

    /// <summary>Stops the host (its Hangfire server first finishes or gives up its tries); its services stay usable until disposed.</summary>
    public async Task StopAsync()
    {
        if (_stopped) return;
        _stopped = true;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _host.StopAsync(stop.Token).ConfigureAwait(false);
    }

    private bool _stopped;

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
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

    /// <summary>A host lifetime that leaves the process's signals to the command line.</summary>
    private sealed class CommandLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
