using System;

namespace Pipelines.Hangfire;

/// <summary>When the Pipelines health checks call a late schedule tick or a silent reconciler degraded, and when unhealthy.</summary>
public sealed class PipelinesHealthOptions
{
    /// <summary>A schedule tick later than this (after the occurrence it should have created a run for) is degraded.</summary>
    public TimeSpan TickDegradedAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A schedule tick later than this is unhealthy: runs are not being created.</summary>
    public TimeSpan TickUnhealthyAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>No reconciler pass for this long (it passes every minute) is degraded.</summary>
    public TimeSpan ReconcilerDegradedAfter { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>No reconciler pass for this long is unhealthy: crashed steps are not being repaired.</summary>
    public TimeSpan ReconcilerUnhealthyAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a run that missed its deadline because it was never created keeps the deadline check degraded.</summary>
    public TimeSpan DeadlineMissReportedFor { get; set; } = TimeSpan.FromHours(24);
}
