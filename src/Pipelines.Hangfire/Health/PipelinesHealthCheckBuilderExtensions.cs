using System;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Pipelines.Hangfire;

/// <summary>Adds the Pipelines health checks to <c>AddHealthChecks()</c>.</summary>
public static class PipelinesHealthCheckBuilderExtensions
{
    /// <summary>The tag of every Pipelines health check.</summary>
    public const string Tag = "pipelines";

    /// <summary>
    /// Adds four checks, tagged <c>pipelines</c>: <c>pipelines-storage</c> (unhealthy when the storage cannot be read),
    /// <c>pipelines-schedules</c> (degraded, then unhealthy, when a schedule's tick is late),
    /// <c>pipelines-reconciler</c> (degraded, then unhealthy, when the reconciler stopped passing) and
    /// <c>pipelines-deadlines</c> (degraded while a run is past its deadline, naming it). Each result's description says why.
    /// </summary>
    /// <example><code>
    /// builder.Services.AddHealthChecks().AddPipelinesHealthChecks(h => h.TickDegradedAfter = TimeSpan.FromMinutes(2));
    /// app.MapHealthChecks("/healthz");
    /// </code></example>
    public static IHealthChecksBuilder AddPipelinesHealthChecks(this IHealthChecksBuilder builder, Action<PipelinesHealthOptions>? configure = null)
    {
        var health = new PipelinesHealthOptions();
        configure?.Invoke(health);
        string[] tags = [Tag];
        builder.Add(new HealthCheckRegistration("pipelines-storage",
            sp => new StorageHealthCheck(sp.GetRequiredService<JobStorage>()), HealthStatus.Unhealthy, tags));
        builder.Add(new HealthCheckRegistration("pipelines-schedules",
            sp => new ScheduleHealthCheck(sp.GetRequiredService<JobStorage>(), sp.GetRequiredService<PipelineRegistry>(), sp.GetRequiredService<PipelinesOptions>(), health),
            HealthStatus.Unhealthy, tags));
        builder.Add(new HealthCheckRegistration("pipelines-reconciler",
            sp => new ReconcilerHealthCheck(sp.GetRequiredService<JobStorage>(), sp.GetRequiredService<PipelinesOptions>(), health),
            HealthStatus.Unhealthy, tags));
        builder.Add(new HealthCheckRegistration("pipelines-deadlines",
            sp => new DeadlineHealthCheck(sp.GetRequiredService<JobStorage>(), sp.GetRequiredService<PipelineRegistry>(), sp.GetRequiredService<PipelinesOptions>(), health),
            HealthStatus.Unhealthy, tags));
        return builder;
    }
}
