using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Pipelines.Hangfire;

/// <summary>
/// The task records this process wrote lately, each with the task it was written from, found by the record's string
/// object itself (not its text): a record read back as the very string that was written is that task, without parsing it.
/// </summary>
/// <remarks>
/// <para>
/// Hangfire.InMemory keeps the string it is given and hands the same object back to every read, so on it a record
/// written by one step or start is read by the next without being parsed: a chain's hop parsed two records (the queued
/// one the step wrote, which the start reads; the running one the start wrote, which the end's step reads), about a
/// tenth of the CPU of a try's start. A database hands back a new string on every read, which is never found here.
/// </para>
/// <para>
/// A task is kept only where reading its record gives it back exactly, so a record reads the same whether it is found
/// here or parsed: every field is written, instants to the nanosecond, and the empty job list reads back as empty (a
/// default one is kept as empty). Text with a surrogate character is left out, as System.Text.Json writes a lone one as
/// a replacement character, and so are records longer than <see cref="MaxLength"/>, which would keep large strings alive
/// (a slot holds a record and its task's text: at most about 4 KB, a few hundred bytes for most). The table has a fixed
/// number of slots, each holding the latest record whose identity hash falls in it, so it holds at most
/// <see cref="Slots"/> records, whatever the process runs. Records are kept only once the process runs on
/// Hangfire.InMemory (<see cref="Enable"/>, by a coordinator of that storage): elsewhere none would be found, and the table
/// would only hold strings alive (0.6 MB of one PostgreSQL server's heap); a process that runs one keeps the records it
/// writes to any other storage too, where they are not found, as on a database.
/// </para>
/// </remarks>
internal static class TaskRecordMemo
{
    /// <summary>How many records the table holds at most (a power of two).</summary>
    public const int Slots = 1024;

    /// <summary>The longest record kept: a longer one (a reason with an exception's message) is parsed when read.</summary>
    public const int MaxLength = 1024;

    private static readonly Entry?[] s_entries = new Entry?[Slots];
    private static volatile bool s_enabled;

    /// <summary>Keeps the records written from now on: the process runs on a storage that hands back the strings it was given.</summary>
    public static void Enable() => s_enabled = true;

    /// <summary>The task <paramref name="record"/> was written from, when it is a record this process wrote for <paramref name="taskId"/> and still holds.</summary>
    public static TaskInstance? Find(string taskId, string record)
    {
        if (!s_enabled) return null;
        var entry = Volatile.Read(ref s_entries[SlotOf(record)]);
        return entry is not null && ReferenceEquals(entry.Record, record) && entry.Task.TaskId == taskId ? entry.Task : null;
    }

    /// <summary>Keeps <paramref name="task"/> as what <paramref name="record"/>, written from it, reads back as (see the remarks for what is left out).</summary>
    public static void Keep(string record, TaskInstance task)
    {
        if (!s_enabled || record.Length > MaxLength || HasSurrogate(task.Reason) || HasSurrogate(task.Server) || HasSurrogate(task.Execution)) return;
        if (!task.JobIds.IsDefaultOrEmpty)
            foreach (var id in task.JobIds)
                if (HasSurrogate(id)) return;
        var read = task.JobIds.IsDefault ? task with { JobIds = [] } : task;
        Volatile.Write(ref s_entries[SlotOf(record)], new Entry(record, read));
    }

    private static int SlotOf(string record) => RuntimeHelpers.GetHashCode(record) & (Slots - 1);

    private static bool HasSurrogate(string? text) =>
        text is not null && text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') >= 0;

    private sealed class Entry(string record, TaskInstance task)
    {
        public string Record { get; } = record;
        public TaskInstance Task { get; } = task;
    }
}
