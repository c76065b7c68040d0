using System;
using System.Threading;
using System.Threading.Tasks;
using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// Degraded, then unhealthy, when the reconciler (a recurring job every minute) has not finished a pass for longer than
/// the thresholds: runs left inconsistent by a crash are then not repaired. No pass recorded yet is healthy.
/// </summary>
internal sealed class ReconcilerHealthCheck(JobStorage storage, PipelinesOptions options, PipelinesHealthOptions health) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Instant? last;
        try
        {
            using var connection = storage.GetConnection();
            var fields = connection.GetAllEntriesFromHash(PipelineStore.ReconcilerKey);
            last = fields is not null && fields.TryGetValue("lastPass", out var text) ? PipelineStore.ParseInstant(text) : null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"The reconciler's last pass cannot be read: {ex.Message}", ex));
        }
        if (last is not { } pass) return Task.FromResult(HealthCheckResult.Healthy("No reconciler pass recorded yet."));

        var since = options.Clock.GetCurrentInstant() - pass;
        var description = $"The reconciler last finished a pass at {PipelineStore.Format(pass)}, {ScheduleHealthCheck.Minutes(since)} ago.";
        if (since > Duration.FromTimeSpan(health.ReconcilerUnhealthyAfter))
            return Task.FromResult(HealthCheckResult.Unhealthy(description + " Runs a crash left behind are not being repaired: is a Hangfire server running its recurring job?"));
        if (since > Duration.FromTimeSpan(health.ReconcilerDegradedAfter))
            return Task.FromResult(HealthCheckResult.Degraded(description + " It passes every minute; a busy or failing pass delays it."));
        return Task.FromResult(HealthCheckResult.Healthy(description));
    }
}
