using System;
using System.Linq;
using Hangfire;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

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
    public static IServiceCollection AddPipelines(this IServiceCollection services, Action<PipelinesOptions>? configure = null) =>
        services.AddPipelinesCore("PipelinesOptions.", options =>
        {
            if (configure is not null) options.Configure(configure);
        });

    /// <summary>
    /// Runs every generated pipeline on Hangfire, with settings bound from a configuration section (then adjusted by
    /// <paramref name="configure"/>, for what configuration cannot hold: the clock, the pipelines, the serializer).
    /// Values are checked when the host starts: a bad one stops it with a message naming the key and the fix.
    /// </summary>
    /// <example><code>
    /// // appsettings.json: { "Pipelines": { "LockTimeout": "00:02:00", "Retention": "30:00:00:00" } }
    /// builder.Services.AddPipelines(builder.Configuration.GetSection("Pipelines"));
    /// </code></example>
    public static IServiceCollection AddPipelines(this IServiceCollection services, IConfiguration configuration, Action<PipelinesOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var prefix = configuration is IConfigurationSection section ? section.Path + ":" : "";
        return services.AddPipelinesCore(prefix, options =>
        {
            options.Configure(o => Bind(configuration, prefix, o));
            if (configure is not null) options.Configure(configure);
        });
    }

    /// <summary>
    /// Binds the section, turning the binder's errors into validation errors that say how to write the value, so the host
    /// stops with one message rather than a conversion exception.
    /// </summary>
    private static void Bind(IConfiguration configuration, string prefix, PipelinesOptions options)
    {
        try
        {
            configuration.Bind(options, b => b.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            var hint = ex.Message.Contains("NodaTime.Duration", StringComparison.Ordinal)
                ? " Write a duration as days:hours:minutes:seconds, such as 30:00:00:00 for 30 days."
                : ex.Message.Contains("System.TimeSpan", StringComparison.Ordinal)
                    ? " Write a time span as hours:minutes:seconds, such as 00:01:00 for a minute."
                    : ex.Message.Contains("not found on", StringComparison.Ordinal)
                        ? $" Check the spelling against the settings of PipelinesOptions under '{prefix.TrimEnd(':')}'."
                        : "";
            throw new OptionsValidationException(Options.DefaultName, typeof(PipelinesOptions), new[] { ex.Message + hint });
        }
    }

    private static IServiceCollection AddPipelinesCore(this IServiceCollection services, string keyPrefix, Action<OptionsBuilder<PipelinesOptions>> configure)
    {
        configure(services.AddOptions<PipelinesOptions>().ValidateOnStart());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PipelinesOptions>>(new PipelinesOptionsValidator(keyPrefix)));

        services.AddSingleton(provider => provider.GetRequiredService<IOptions<PipelinesOptions>>().Value);
        services.AddSingleton(provider => new PipelineRegistry(provider.GetRequiredService<PipelinesOptions>().Pipelines ?? PipelineCatalog.All));
        services.AddLogging();
        services.TryAddSingleton<NotificationDispatcher>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPipelineNotifier, LoggingNotifier>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPipelineNotifier, PipelineCallbackNotifier>());
        services.TryAddSingleton<DeadlineWatcher>();
        services.TryAddSingleton<RunCoordinator>();
        services.TryAddSingleton(provider => new PipelineOperations(
            provider.GetRequiredService<JobStorage>(), provider.GetRequiredService<PipelineRegistry>(), provider.GetRequiredService<RunCoordinator>(), provider.GetRequiredService<PipelinesOptions>()));
        services.TryAddSingleton(provider => new PipelineScheduler(
            provider.GetRequiredService<PipelineRegistry>(), provider.GetRequiredService<PipelineOperations>(), provider.GetRequiredService<PipelinesOptions>(), provider.GetRequiredService<JobStorage>()));
        services.TryAddSingleton(provider => new PipelineReconciler(
            provider.GetRequiredService<JobStorage>(), provider.GetRequiredService<PipelineRegistry>(), provider.GetRequiredService<RunCoordinator>(), provider.GetRequiredService<PipelinesOptions>())
        {
            Deadlines = provider.GetRequiredService<DeadlineWatcher>(),
        });
        services.TryAddTransient(provider => new PipelineTaskJob(
            provider.GetRequiredService<PipelineRegistry>(),
            provider.GetRequiredService<RunCoordinator>(),
            provider,
            provider.GetRequiredService<PipelinesOptions>(),
            provider.GetRequiredService<ILoggerFactory>(),
            provider.GetRequiredService<JobStorage>()));
        // Retries and sensor pokes are delayed jobs: look for due ones every second, not Hangfire's default 15 seconds.
        services.TryAddSingleton(provider => new BackgroundJobServerOptions
        {
            Queues = provider.GetRequiredService<PipelineRegistry>().Queues,
            SchedulePollingInterval = TimeSpan.FromSeconds(1),
        });
        services.AddHostedService<PipelinesStartup>();
        services.AddHostedService<NotificationDeliveryService>();
        return services;
    }
}
