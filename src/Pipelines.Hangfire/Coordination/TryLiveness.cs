using System;
using Hangfire.Storage;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// Whether a running try's execution is dead: it said it ended without a result, or it has not been heard from (its
/// last heartbeat, or its start) for <see cref="PipelinesOptions.TryLivenessTimeout"/>.
/// </summary>
internal static class TryLiveness
{
    public static bool IsDead(IStorageConnection connection, PipelinesOptions options, PipelineDefinition pipeline, string runId, TaskInstance task, Instant now, out Instant lastHeard) =>
        IsDead(TryHeartbeat.Read(connection, pipeline.Id, runId, task.TaskId, task.Execution), options, task, now, out lastHeard);

    /// <summary>The same judgement on a heartbeat already read.</summary>
    public static bool IsDead((Instant? LastBeat, bool Ended) heartbeat, PipelinesOptions options, TaskInstance task, Instant now, out Instant lastHeard)
    {
        var (beat, ended) = heartbeat;
        var start = task.Start ?? Instant.MinValue;
        lastHeard = beat is { } b && b > start ? b : start;
        return ended || now - lastHeard >= Duration.FromTimeSpan(options.TryLivenessTimeout);
    }
}
