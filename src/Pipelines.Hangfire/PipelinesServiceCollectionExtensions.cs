using System;
using System.Linq;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pipelines.Hangfire;

/// <summary>Registers the Pipelines runtime beside Hangfire.</summary>
public static class PipelinesServiceCollectionExtensions
{
    /// <summary>
    /// Runs every generated pipeline on Hangfire: call it beside <c>AddHangfire(...)</c> and <c>AddHangfireServer()</c>.
    /// Schedules become recurring jobs at start-up, and the Hangfire server listens on every queue the tasks use
    /// (when it is added with <c>AddHangfireServer()</c> without options; otherwise include <see cref="PipelineRegistry.Queues"/>).
    /// </summary>
    /// <example><code>
    /// services.AddHangfire(c => c.UseInMemoryStorage());
    /// services.AddHangfireServer();
    /// services.AddPipelines();
    /// </code></example>
    public static IServiceCollection AddPipelines(this IServiceCollection services, Action<PipelinesOptions>? configure = null)
    {
        var options = new PipelinesOptions();
        configure?.Invoke(options);
        var registry = new PipelineRegistry(options.Pipelines ?? PipelineCatalog.All);

        services.AddSingleton(options);
        services.AddSingleton(registry);
        services.AddLogging();
        services.TryAddSingleton<NotificationDispatcher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPipelineNotifier, LoggingNotifier>());
        services.TryAddSingleton<RunCoordinator>();
        services.TryAddSingleton(provider => new PipelineOperations(
            provider.GetRequiredService<JobStorage>(), registry, provider.GetRequiredService<RunCoordinator>(), options));
        services.TryAddSingleton(provider => new PipelineScheduler(
            registry, provider.GetRequiredService<PipelineOperations>(), options, provider.GetRequiredService<JobStorage>()));
        services.TryAddSingleton(provider => new PipelineReconciler(
            provider.GetRequiredService<JobStorage>(), registry, provider.GetRequiredService<RunCoordinator>(), options));
        services.TryAddTransient(provider => new PipelineTaskJob(
            provider.GetRequiredService<PipelineRegistry>(),
            provider.GetRequiredService<RunCoordinator>(),
            provider,
            provider.GetRequiredService<PipelinesOptions>(),
            provider.GetRequiredService<ILoggerFactory>(),
            provider.GetRequiredService<JobStorage>()));
        // Retries and sensor pokes are delayed jobs: look for due ones every second, not Hangfire's default 15 seconds.
        services.TryAddSingleton(new BackgroundJobServerOptions { Queues = registry.Queues, SchedulePollingInterval = TimeSpan.FromSeconds(1) });
        services.AddHostedService<PipelinesStartup>();
        services.AddHostedService<NotificationDeliveryService>();
        return services;
    }
}
