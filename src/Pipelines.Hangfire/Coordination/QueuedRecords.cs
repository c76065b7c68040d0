using System;
using System.Threading;

namespace Pipelines.Hangfire;

/// <summary>
/// The records of the tasks this process's steps queued lately, as committed with their jobs, by pipeline, run and task: a
/// try's start on a storage that swaps in one go (<see cref="IPipelineConditionalSwapStorage"/>) expects the record it
/// finds here, and turns it to running in one round trip without reading it first (<see cref="UnlockedStart"/>).
/// </summary>
/// <remarks>
/// <para>
/// A record found here is only what the start expects: the swap changes the stored record only where it is still exactly
/// this one, and a start whose record changed meanwhile (retried, cleared, requeued by another server's step) or was never
/// kept here (its step ran on another server) reads it first as before. So a record kept here can never make a start
/// decide otherwise; a wrong one costs the start one round trip more.
/// </para>
/// <para>
/// The table has a fixed number of slots, each holding the latest record whose task falls in it, so it holds at most
/// <see cref="Slots"/> records, whatever the process runs; a start takes its record out, and a step that writes a task's
/// record without queueing it forgets the one kept before. Records longer than <see cref="MaxLength"/> are not kept.
/// </para>
/// </remarks>
internal sealed class QueuedRecords
{
    /// <summary>
    /// How many records the table holds at most (a power of two): room for 100 runs that each queued 18 tasks at once, and
    /// at most about 9 MB of records at their longest (a few hundred bytes each for most).
    /// </summary>
    public const int Slots = 4096;

    /// <summary>The longest record kept (as <see cref="TaskRecordMemo.MaxLength"/>): a longer one is read.</summary>
    public const int MaxLength = TaskRecordMemo.MaxLength;

    private readonly Entry?[]? _entries;

    /// <param name="enabled">Whether records are kept at all: only where a start can use them.</param>
    public QueuedRecords(bool enabled) => _entries = enabled ? new Entry?[Slots] : null;

    public bool Enabled => _entries is not null;

    /// <summary>Keeps <paramref name="record"/> as the record just committed for <paramref name="taskId"/>, queued with its job.</summary>
    public void Keep(string pipelineId, string runId, string taskId, string record)
    {
        if (_entries is null) return;
        if (record.Length > MaxLength)
        {
            Forget(pipelineId, runId, taskId);
            return;
        }
        Volatile.Write(ref _entries[SlotOf(runId, taskId)], new Entry(pipelineId, runId, taskId, record));
    }

    /// <summary>Forgets the record kept for <paramref name="taskId"/>: a step wrote another one, which is not queued.</summary>
    public void Forget(string pipelineId, string runId, string taskId)
    {
        if (_entries is null) return;
        ref var slot = ref _entries[SlotOf(runId, taskId)];
        var entry = Volatile.Read(ref slot);
        if (entry is not null && entry.Is(pipelineId, runId, taskId)) Interlocked.CompareExchange(ref slot, null, entry);
    }

    /// <summary>Takes out the record kept for <paramref name="taskId"/>, or null when none is.</summary>
    public string? Take(string pipelineId, string runId, string taskId)
    {
        if (_entries is null) return null;
        ref var slot = ref _entries[SlotOf(runId, taskId)];
        var entry = Volatile.Read(ref slot);
        if (entry is null || !entry.Is(pipelineId, runId, taskId)) return null;
        return Interlocked.CompareExchange(ref slot, null, entry) == entry ? entry.Record : null;
    }

    private static int SlotOf(string runId, string taskId) => HashCode.Combine(string.GetHashCode(runId, StringComparison.Ordinal), string.GetHashCode(taskId, StringComparison.Ordinal)) & (Slots - 1);

    private sealed class Entry(string pipelineId, string runId, string taskId, string record)
    {
        public string Record { get; } = record;

        public bool Is(string pipeline, string run, string task) =>
            string.Equals(taskId, task, StringComparison.Ordinal) && string.Equals(runId, run, StringComparison.Ordinal) && string.Equals(pipelineId, pipeline, StringComparison.Ordinal);
    }
}
