using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// "No run past its deadline": degraded, naming each run, while a run is unfinished past its pipeline's deadline, or a
/// scheduled run that missed its deadline because it was never created (paused, no server up) is still missing within
/// <see cref="PipelinesHealthOptions.DeadlineMissReportedFor"/> of that deadline. Healthy when no pipeline has a deadline.
/// Degraded, not unhealthy: the fleet works; a person must look at the data.
/// </summary>
internal sealed class DeadlineHealthCheck(JobStorage storage, PipelineRegistry registry, PipelinesOptions options, PipelinesHealthOptions health) : IHealthCheck
{
    // A pipeline whose deadline cannot be resolved is left out here; the deadline watcher logs why.
    private readonly IReadOnlyList<PipelineDeadlines> _watched = registry.All.Select(Usable).OfType<PipelineDeadlines>().Where(d => d.Run is not null).ToList();

    private static PipelineDeadlines? Usable(PipelineDefinition pipeline)
    {
        try
        {
            return PipelineDeadlines.Of(pipeline);
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or Pipelines.Calendars.UnknownCalendarException)
        {
            return null;
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_watched.Count == 0) return Task.FromResult(HealthCheckResult.Healthy("No pipeline has a deadline."));
        var now = options.Clock.GetCurrentInstant();
        var late = new List<(string Pipeline, string Run, Instant Deadline, string State)>();
        try
        {
            using var connection = storage.GetConnection();
            var unfinished = connection.GetAllItemsFromSet(PipelineStore.UnfinishedKey);
            foreach (var watched in _watched)
            {
                var id = watched.Pipeline.Id;
                var prefix = id + "|";
                var runIds = unfinished.Where(m => m.StartsWith(prefix, StringComparison.Ordinal)).Select(m => m[prefix.Length..]).ToList();
                var records = PipelineStore.ReadRunRecords(storage, connection, id, runIds);
                foreach (var runId in runIds)
                {
                    if (records.GetValueOrDefault(runId) is not { LogicalDate: { } date, State: { } state } run || state.IsFinished()) continue;
                    if (watched.Run!.For(date, run.DataInterval.HasEnd ? run.DataInterval.End : null) is { } deadline && deadline <= now) late.Add((id, runId, deadline, state.Name()));
                }
                var window = Duration.FromTimeSpan(health.DeadlineMissReportedFor);
                foreach (var (field, deadline) in DeadlineMisses.Read(connection, id))
                {
                    if (field.Contains('|', StringComparison.Ordinal) || now - deadline > window || late.Any(l => l.Pipeline == id && l.Run == field)) continue;
                    if (PipelineStore.ReadRunRecord(connection, id, field) is null) late.Add((id, field, deadline, "not created"));
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"The runs' deadlines cannot be read: {ex.Message}", ex));
        }
        if (late.Count == 0) return Task.FromResult(HealthCheckResult.Healthy("No run is past its deadline."));
        var description = string.Join(" ", late.Select(l =>
            $"Run '{l.Run}' of '{l.Pipeline}' is {l.State} past its deadline {PipelineStore.Format(l.Deadline)} ({ScheduleHealthCheck.Minutes(now - l.Deadline)} ago)."));
        var data = late.GroupBy(l => l.Pipeline).ToDictionary(g => g.Key, g => (object)string.Join(", ", g.Select(l => l.Run)));
        return Task.FromResult(HealthCheckResult.Degraded(description, data: data));
    }
}
