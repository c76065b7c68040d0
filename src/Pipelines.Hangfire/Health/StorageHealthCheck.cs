using System;
using System.Threading;
using System.Threading.Tasks;
using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Pipelines.Hangfire;

/// <summary>Unhealthy when the storage that holds jobs and pipeline state cannot be read.</summary>
internal sealed class StorageHealthCheck(JobStorage storage) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var connection = storage.GetConnection();
            connection.GetAllEntriesFromHash(PipelineStore.ScheduleKey);
            return Task.FromResult(HealthCheckResult.Healthy("The storage answers."));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus,
                $"The storage cannot be read ({ex.GetType().Name}: {ex.Message}): no task starts or ends, and no run is created.", ex));
        }
    }
}
