namespace Pipelines.Hangfire;

/// <summary>
/// The run's own fields a coordination step needs besides task states: its logical date (shown in each job's name, and
/// never parsed back out of the run id, whose format says nothing reliable about it) and the queue its tasks go to when
/// the run was created for one process; for telemetry, when it started and its trace context (W3C traceparent).
/// </summary>
internal readonly record struct RunFacts(string? LogicalDate, string? Queue)
{
    public NodaTime.Instant? StartedAt { get; init; }
    public string? TraceParent { get; init; }
}
