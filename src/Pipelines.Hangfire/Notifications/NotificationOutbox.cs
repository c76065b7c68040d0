using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hangfire;
using Hangfire.Storage;

namespace Pipelines.Hangfire;

/// <summary>
/// Events waiting to be delivered, kept in Hangfire's storage. The coordinator writes a step's events in the same
/// transaction as the step, so an event exists exactly when its step happened: a crash before the commit loses both, a
/// crash after it loses neither, and the events wait for any server's <see cref="NotificationDispatcher"/>.
/// </summary>
/// <remarks>
/// Each run has a list of its events in the order they happened (its steps are serialized by the run's lock, and
/// Hangfire lists keep insertion order, newest first), and a set indexes the runs whose lists may hold events. What a
/// notifier has done with a run's events (failed tries, the next try's time) is kept in one hash per run
/// (<see cref="RunDeliveryKey"/>), written only when a notifier fails, so delivering a run's events reads one hash, not
/// one per event. Events written before that hash existed have no <c>Progress</c> field and keep their own hash
/// (<see cref="DeliveryKey"/>), which the dispatcher still reads and removes.
/// </remarks>
internal static class NotificationOutbox
{
    /// <summary>The set of run lists that may hold undelivered events.</summary>
    public const string IndexKey = "pipelines:outbox";

    private static readonly JsonSerializerOptions s_json = new() { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Adds <paramref name="events"/> to the outbox as part of <paramref name="transaction"/>.</summary>
    public static void Write(IWriteOnlyTransaction transaction, IReadOnlyList<PipelineEvent> events)
    {
        foreach (var pipelineEvent in events)
        {
            var key = RunKey(pipelineEvent.PipelineId, pipelineEvent.RunId);
            transaction.InsertToList(key, Serialize(Guid.NewGuid().ToString("N"), pipelineEvent));
            transaction.AddToSet(IndexKey, key);
        }
    }

    /// <summary>The list of a run's undelivered events.</summary>
    public static string RunKey(string pipelineId, string runId) => $"pipelines:outbox:{pipelineId}:{runId}";

    /// <summary>The pipeline whose events a run's list (<see cref="RunKey"/>) holds; pipeline ids have no colon.</summary>
    public static string PipelineOf(string runKey)
    {
        var rest = runKey.Substring("pipelines:outbox:".Length);
        var colon = rest.IndexOf(':', System.StringComparison.Ordinal);
        return colon < 0 ? rest : rest.Substring(0, colon);
    }

    /// <summary>The hash of each notifier's delivery state for one event written without <c>Progress</c> (by a version before 2026-12).</summary>
    public static string DeliveryKey(string eventId) => "pipelines:outbox-delivery:" + eventId;

    /// <summary>The hash of each notifier's delivery state for a run's events (<see cref="RunKey"/>), one field per event and notifier.</summary>
    public static string RunDeliveryKey(string runKey) => runKey + ":delivery";

    /// <summary>The field of <see cref="RunDeliveryKey"/> that holds one notifier's state for one event.</summary>
    public static string DeliveryField(string eventId, string notifierKey) => eventId + "|" + notifierKey;

    /// <summary>The lock a server holds while it delivers a run's events, so no two deliver them at once.</summary>
    public static string DeliveryLock(string runKey) => runKey + ":deliver";

    /// <summary>A connection that can read the outbox's lists (every storage we support has one).</summary>
    public static JobStorageConnection Connect(JobStorage storage)
    {
        var connection = storage.GetConnection();
        if (connection is JobStorageConnection lists) return lists;
        connection.Dispose();
        throw new NotSupportedException($"Storage {storage.GetType().Name} cannot read lists, which pipeline notifications are kept in.");
    }

    /// <summary>A run's undelivered events, oldest first.</summary>
    public static IReadOnlyList<OutboxEntry> Read(JobStorageConnection connection, string runKey)
    {
        var items = connection.GetAllItemsFromList(runKey);
        var entries = new List<OutboxEntry>(items.Count);
        for (var i = items.Count - 1; i >= 0; i--) entries.Add(Parse(items[i]));
        return entries;
    }

    /// <summary>How many events wait in the outbox, across all runs.</summary>
    public static int Count(JobStorageConnection connection) =>
        connection.GetAllItemsFromSet(IndexKey).Sum(key => (int)connection.GetListCount(key));

    private static string Serialize(string id, PipelineEvent e) => JsonSerializer.Serialize(
        new Record(id, e.Kind, e.PipelineId, e.RunId, e.TaskId, e.State, e.Message, PipelineStore.Format(e.At), RunProgress), s_json);

    private static OutboxEntry Parse(string text)
    {
        var r = JsonSerializer.Deserialize<Record>(text, s_json) ?? throw new FormatException("An empty outbox entry.");
        var at = PipelineStore.ParseInstant(r.At) ?? throw new FormatException("An outbox entry without a time.");
        return new OutboxEntry(r.Id, text, new PipelineEvent(r.Kind, r.Pipeline, r.Run, r.Task, r.State, r.Message, at),
            ProgressInRunHash: r.Progress == RunProgress);
    }

    /// <summary>The <c>Progress</c> of an entry whose delivery state is in its run's hash (<see cref="RunDeliveryKey"/>).</summary>
    private const string RunProgress = "run";

    private sealed record Record(string Id, PipelineEventKind Kind, string Pipeline, string Run, string? Task, string State, string Message, string At,
        string? Progress = null);
}
