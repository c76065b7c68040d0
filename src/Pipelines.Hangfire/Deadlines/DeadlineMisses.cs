using System.Collections.Generic;
using Hangfire.Storage;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// The deadlines a pipeline's runs and tasks missed, kept in storage: one hash per pipeline whose fields are the run id
/// (a run's deadline) or <c>runId|taskId</c> (a task's), each holding the deadline. The deadline watcher writes a field
/// in the transaction that puts the event in the outbox, so an event exists exactly when its field does and no server
/// raises it twice; the dashboard, the command line and the health check read the same fields.
/// </summary>
internal static class DeadlineMisses
{
    /// <summary>The hash of one pipeline's missed deadlines.</summary>
    public static string Key(string pipelineId) => "pipelines:deadline-misses:" + pipelineId;

    /// <summary>The hash of each pipeline's watermark: the last schedule occurrence whose deadlines were judged.</summary>
    public const string WatermarkKey = "pipelines:deadline-watermark";

    /// <summary>The short lock under which a miss is checked and written.</summary>
    public static string Lock(string pipelineId) => "pipelines:lock:deadline:" + pipelineId;

    /// <summary>The field of a run's (<paramref name="taskId"/> null) or a task's deadline.</summary>
    public static string Field(string runId, string? taskId) => taskId is null ? runId : runId + "|" + taskId;

    /// <summary>Every miss of a pipeline: field to the deadline that was missed.</summary>
    public static Dictionary<string, Instant> Read(IStorageConnection connection, string pipelineId)
    {
        var result = new Dictionary<string, Instant>(System.StringComparer.Ordinal);
        var fields = connection.GetAllEntriesFromHash(Key(pipelineId));
        if (fields is null) return result;
        foreach (var (field, text) in fields)
            if (PipelineStore.ParseInstant(text) is { } at) result[field] = at;
        return result;
    }

    /// <summary>The deadline <paramref name="runId"/> missed, or null when it missed none.</summary>
    public static Instant? OfRun(IStorageConnection connection, string pipelineId, string runId)
    {
        var fields = connection.GetAllEntriesFromHash(Key(pipelineId));
        return fields is not null && fields.TryGetValue(runId, out var text) ? PipelineStore.ParseInstant(text) : null;
    }
}
