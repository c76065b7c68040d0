using System;
using System.Collections.Generic;
using Hangfire.Storage;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// The deadlines a pipeline's runs and tasks missed, kept in storage: one sorted set per pipeline whose members are
/// <c>field@deadline</c>, the field being the run id (a run's deadline) or <c>runId|taskId</c> (a task's), scored by the
/// deadline in Unix seconds. The deadline watcher adds a member in the transaction that puts the event in the outbox, so
/// an event exists exactly when its member does and no server raises it twice; the dashboard, the command line and the
/// health check read the same members. A set rather than a hash because Hangfire's transactions can remove a set member
/// but not a hash field, and retention removes old misses (<see cref="Prune"/>).
/// </summary>
internal static class DeadlineMisses
{
    /// <summary>The set of one pipeline's missed deadlines.</summary>
    public static string Key(string pipelineId) => "pipelines:deadline-misses:" + pipelineId;

    /// <summary>The hash of each pipeline's watermark: the last schedule occurrence whose deadlines were judged.</summary>
    public const string WatermarkKey = "pipelines:deadline-watermark";

    /// <summary>The short lock under which a miss is checked and written.</summary>
    public static string Lock(string pipelineId) => "pipelines:lock:deadline:" + pipelineId;

    /// <summary>The field of a run's (<paramref name="taskId"/> null) or a task's deadline.</summary>
    public static string Field(string runId, string? taskId) => taskId is null ? runId : runId + "|" + taskId;

    /// <summary>Adds a miss to <paramref name="transaction"/>.</summary>
    public static void Add(IWriteOnlyTransaction transaction, string pipelineId, string field, Instant deadline) =>
        transaction.AddToSet(Key(pipelineId), field + "@" + PipelineStore.Format(deadline), deadline.ToUnixTimeSeconds());

    /// <summary>Every miss of a pipeline: field to the deadline that was missed.</summary>
    public static Dictionary<string, Instant> Read(IStorageConnection connection, string pipelineId)
    {
        var result = new Dictionary<string, Instant>(StringComparer.Ordinal);
        foreach (var member in connection.GetAllItemsFromSet(Key(pipelineId)))
            if (Parse(member) is { } miss) result[miss.Field] = miss.Deadline;
        return result;
    }

    /// <summary>The deadline <paramref name="runId"/> missed, or null when it missed none.</summary>
    public static Instant? OfRun(IStorageConnection connection, string pipelineId, string runId) =>
        Read(connection, pipelineId).TryGetValue(runId, out var at) ? at : null;

    /// <summary>
    /// Removes up to <paramref name="count"/> misses whose deadline is before <paramref name="cutoff"/>, except those of
    /// runs in <paramref name="keep"/> (unfinished ones); returns how many.
    /// </summary>
    public static int Prune(IStorageConnection connection, string pipelineId, Instant cutoff, Func<string, bool> keep, int count)
    {
        if (connection is not JobStorageConnection scored) return 0;
        var old = scored.GetFirstByLowestScoreFromSet(Key(pipelineId), double.MinValue, cutoff.ToUnixTimeSeconds(), count);
        var removed = 0;
        using var transaction = connection.CreateWriteTransaction();
        foreach (var member in old)
        {
            if (Parse(member) is not { } miss || keep(miss.Field.Split('|')[0])) continue;
            transaction.RemoveFromSet(Key(pipelineId), member);
            removed++;
        }
        if (removed > 0) transaction.Commit();
        return removed;
    }

    private static (string Field, Instant Deadline)? Parse(string member)
    {
        var at = member.LastIndexOf('@');
        return at > 0 && PipelineStore.ParseInstant(member[(at + 1)..]) is { } deadline ? (member[..at], deadline) : null;
    }
}
