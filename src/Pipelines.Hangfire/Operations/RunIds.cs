using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>How run ids are made: the kind, the logical date, and for manual runs a unique suffix (<see cref="RunId"/>).</summary>
public static class RunIds
{
    /// <summary>A new run id.</summary>
    public static string For(RunKind kind, LocalDate logicalDate, Instant now) => RunId.For(kind, logicalDate, now).Value;
}
