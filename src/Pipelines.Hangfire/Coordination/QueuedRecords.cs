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
/// The table has a fixed number of slots and each task two of them, picked by two hashes of its run and task: a record
/// goes where its task's record already is, else into a free one of the two, else over the first. So it holds at most
/// <see cref="Slots"/> records, whatever the process runs; a start takes its record out, and a step that writes a task's
/// record without queueing it forgets the one kept before. Records longer than <see cref="MaxLength"/> are not kept. With
/// one slot a task, 1,800 tasks queued at once (100 runs of 18) in 4,096 slots wrote over about a fifth of each other's
/// records (1,461 of 1,800 found in a test); with two in 8,192, one or two in a hundred (1,773 and 1,778).
/// </para>
/// </remarks>
internal sealed class QueuedRecords
{
    /// <summary>
    /// How many records the table holds at most (a power of two): room for about 100 runs that each queued 18 tasks at
    /// once (about 1.5% of them written over; 6% at 200 runs), and at most about 18 MB of records at their longest (a few
    /// hundred bytes each for most), held only while their tasks wait for a worker.
    /// </summary>
    public const int Slots = 1 << SlotBits;

    private const int SlotBits = 13;

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
        var (first, second) = SlotsOf(runId, taskId);
        var entry = new Entry(pipelineId, runId, taskId, record);
        // Where the task's record already is (a step queued it again), else a free slot of its two, else the first.
        var held = Volatile.Read(ref _entries[first]);
        var other = Volatile.Read(ref _entries[second]);
        var slot = held is not null && held.Is(pipelineId, runId, taskId) ? first
            : other is not null && other.Is(pipelineId, runId, taskId) ? second
            : held is null ? first
            : other is null ? second
            : first;
        Volatile.Write(ref _entries[slot], entry);
    }

    /// <summary>Forgets the record kept for <paramref name="taskId"/>: a step wrote another one, which is not queued.</summary>
    public void Forget(string pipelineId, string runId, string taskId)
    {
        if (_entries is null) return;
        var (first, second) = SlotsOf(runId, taskId);
        TakeFrom(first, pipelineId, runId, taskId);
        TakeFrom(second, pipelineId, runId, taskId);
    }

    /// <summary>Takes out the record kept for <paramref name="taskId"/>, or null when none is.</summary>
    public string? Take(string pipelineId, string runId, string taskId)
    {
        if (_entries is null) return null;
        var (first, second) = SlotsOf(runId, taskId);
        return TakeFrom(first, pipelineId, runId, taskId) ?? TakeFrom(second, pipelineId, runId, taskId);
    }

    /// <summary>Takes the record of the task out of slot <paramref name="index"/>, if that slot holds it.</summary>
    private string? TakeFrom(int index, string pipelineId, string runId, string taskId)
    {
        ref var slot = ref _entries![index];
        var entry = Volatile.Read(ref slot);
        if (entry is null || !entry.Is(pipelineId, runId, taskId)) return null;
        return Interlocked.CompareExchange(ref slot, null, entry) == entry ? entry.Record : null;
    }

    /// <summary>The task's two slots: the hash's low bits, and its Fibonacci hash's high bits (never the same slot).</summary>
    internal static (int First, int Second) SlotsOf(string runId, string taskId)
    {
        var hash = HashCode.Combine(string.GetHashCode(runId, StringComparison.Ordinal), string.GetHashCode(taskId, StringComparison.Ordinal));
        var first = hash & (Slots - 1);
        var second = (int)(unchecked((uint)hash * 2654435769u) >> (32 - SlotBits));
        return (first, second == first ? first ^ 1 : second);
    }

    private sealed class Entry(string pipelineId, string runId, string taskId, string record)
    {
        public string Record { get; } = record;

        public bool Is(string pipeline, string run, string task) =>
            string.Equals(taskId, task, StringComparison.Ordinal) && string.Equals(runId, run, StringComparison.Ordinal) && string.Equals(pipelineId, pipeline, StringComparison.Ordinal);
    }
}
