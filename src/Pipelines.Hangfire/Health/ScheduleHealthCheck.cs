using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NodaTime;
using Pipelines.Calendars;
using Pipelines.Schedules;

namespace Pipelines.Hangfire;

/// <summary>
/// Degraded, then unhealthy, when a scheduled pipeline's tick is late: the next occurrence after its schedule mark
/// (<c>pipelines:schedule</c>, moved by every tick that creates runs) is further in the past than the thresholds.
/// A pipeline that has never ticked has no mark and is not judged, nor is a paused one (its ticks create nothing on purpose). The marks are the fleet's, in the shared storage, so
/// every host judges them, whether or not it registers schedules itself.
/// </summary>
internal sealed class ScheduleHealthCheck(JobStorage storage, PipelineRegistry registry, PipelinesOptions options, PipelinesHealthOptions health) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Dictionary<string, string> marks, pauses;
        try
        {
            using var connection = storage.GetConnection();
            marks = connection.GetAllEntriesFromHash(PipelineStore.ScheduleKey) ?? new Dictionary<string, string>();
            pauses = connection.GetAllEntriesFromHash(PipelinePause.Key) ?? new Dictionary<string, string>();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"The schedule marks cannot be read: {ex.Message}", ex));
        }

        var now = options.Clock.GetCurrentInstant();
        var late = new List<(string Pipeline, Instant Due, Duration By)>();
        foreach (var pipeline in registry.All)
        {
            var schedule = PipelineTimes.Of(pipeline).Schedule;
            if (schedule.Cron is null && !schedule.IsSessionRelative) continue;
            if (PipelinePause.Parse(pipeline, pauses.GetValueOrDefault(pipeline.Id)).Paused) continue;
            if (!marks.TryGetValue(pipeline.Id, out var text) || PipelineStore.ParseInstant(text) is not { } mark) continue;
            if (PipelineTimetable.For(pipeline)?.NextAfter(mark) is not { } next) continue;
            var by = now - next.At;
            if (by > Duration.FromTimeSpan(health.TickDegradedAfter)) late.Add((pipeline.Id, next.At, by));
        }
        if (late.Count == 0) return Task.FromResult(HealthCheckResult.Healthy("Every schedule ticks on time."));

        var worst = late.MaxBy(l => l.By);
        var description = string.Join(" ", late.Select(l =>
            $"Pipeline '{l.Pipeline}' has not ticked for its occurrence at {PipelineStore.Format(l.Due)} ({Minutes(l.By)} late)."));
        var data = late.ToDictionary(l => l.Pipeline, l => (object)l.By.ToTimeSpan());
        return Task.FromResult(worst.By > Duration.FromTimeSpan(health.TickUnhealthyAfter)
            ? HealthCheckResult.Unhealthy(description + " Runs are not being created: is a Hangfire server running the recurring jobs?", data: data)
            : HealthCheckResult.Degraded(description + " The recurring job may be waiting for a busy server.", data: data));
    }

    internal static string Minutes(Duration duration) => $"{Math.Floor(duration.TotalMinutes):0} min";
}
