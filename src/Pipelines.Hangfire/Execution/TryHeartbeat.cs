using System;
using System.Collections.Generic;
using Hangfire;
using Hangfire.Storage;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// A running try's sign of life. Hangfire delivers a job again after a crash (and an operator can requeue a running job),
/// so a job may find its task's try already running: the try's execution writes the time every few seconds, and a second
/// delivery starts the try again only when that execution has not been heard from for
/// <see cref="PipelinesOptions.TryLivenessTimeout"/> (or said it ended without a result); otherwise it is a duplicate
/// and does nothing. So two jobs of the same try never both run. The value is <c>execution|time[|ended]</c>.
/// </summary>
internal sealed class TryHeartbeat(JobStorage storage, IClock clock, string pipelineId, string runId, string taskId, string execution)
{
    /// <summary>Writes a heartbeat every <paramref name="interval"/> until the result is disposed. Never throws.</summary>
    public PeriodicWrite KeepBeating(TimeSpan interval) => new(interval, () => Write(ended: false));

    /// <summary>Says the execution ended without a result (its server is shutting down), so a redelivery need not wait. Never throws.</summary>
    public void Abandon() => Write(ended: true);

    private void Write(bool ended)
    {
        try
        {
            using var connection = storage.GetConnection();
            using var transaction = connection.CreateWriteTransaction();
            transaction.SetRangeInHash(PipelineStore.AliveKey(pipelineId, runId), new Dictionary<string, string>
            {
                [taskId] = execution + "|" + PipelineStore.Format(clock.GetCurrentInstant()) + (ended ? "|ended" : ""),
            });
            transaction.Commit();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A missed heartbeat is made up by the next; a storage that is down cannot deliver the job again either.
        }
    }

    /// <summary>When the given execution of a task was last heard from, and whether it said it ended.</summary>
    public static (Instant? LastBeat, bool Ended) Read(IStorageConnection connection, string pipeline, string run, string task, string? executionOf)
    {
        var value = connection is JobStorageConnection fields
            ? fields.GetValueFromHash(PipelineStore.AliveKey(pipeline, run), task)
            : (connection.GetAllEntriesFromHash(PipelineStore.AliveKey(pipeline, run)) ?? new Dictionary<string, string>()).GetValueOrDefault(task);
        if (value is null || executionOf is null) return (null, false);
        var parts = value.Split('|');
        if (parts.Length < 2 || parts[0] != executionOf) return (null, false);
        return (PipelineStore.ParseInstant(parts[1]), parts.Length > 2 && parts[2] == "ended");
    }
}
