using System.Collections.Generic;
using System.Globalization;

namespace Pipelines.Hangfire;

/// <summary>
/// An expanded mapped task's instances by state, as the run's counts keep them (<see cref="UpstreamTally"/>): how many
/// succeeded, failed, failed upstream, were skipped (or removed), and how many are live (queued, scheduled, running, up
/// for retry or reschedule). The rest of the task's <see cref="TaskInstance.MapLength"/> are undecided: not yet queued
/// (left over a step's job budget) or cleared by an operator.
/// </summary>
/// <remarks>
/// A try ending in a 1,000-instance mapped task settles the task (<see cref="MappedTask.Settle"/>) and judges its downstream
/// tasks from these five numbers instead of reading 1,000 instance records: that read made each instance's end cost as
/// much as the task was wide.
/// </remarks>
internal readonly record struct InstanceCounts(int Success, int Failed, int UpstreamFailed, int Skipped, int Live)
{
    /// <summary>Instances in a terminal state.</summary>
    public int Done => Success + Failed + UpstreamFailed + Skipped;

    public bool IsZero => Done == 0 && Live == 0;

    /// <summary>Instances of a task of <paramref name="length"/> instances that are neither done nor live: those a step must decide.</summary>
    public int Undecided(int length) => length - Done - Live;

    /// <summary>The instances as a downstream task's trigger rule counts them (each instance an upstream task).</summary>
    public UpstreamSummary Summary(int length) => new(length, Success, Failed, UpstreamFailed, Skipped);

    /// <summary>
    /// One task (or instance) in <paramref name="state"/>, by the category a trigger rule counts it in: the one place that
    /// says so (<see cref="UpstreamSummary.Of"/> and the run's counts of joins read it). Removed counts as skipped.
    /// </summary>
    public static InstanceCounts Of(TaskState state) => state switch
    {
        TaskState.None => default,
        TaskState.Success => new(1, 0, 0, 0, 0),
        TaskState.Failed => new(0, 1, 0, 0, 0),
        TaskState.UpstreamFailed => new(0, 0, 1, 0, 0),
        TaskState.Skipped or TaskState.Removed => new(0, 0, 0, 1, 0),
        _ => new(0, 0, 0, 0, 1),
    };

    /// <summary>Counts the given instance states.</summary>
    public static InstanceCounts Of(IReadOnlyList<TaskState> states)
    {
        var counts = default(InstanceCounts);
        foreach (var state in states) counts += Of(state);
        return counts;
    }

    public static InstanceCounts operator +(InstanceCounts a, InstanceCounts b) =>
        new(a.Success + b.Success, a.Failed + b.Failed, a.UpstreamFailed + b.UpstreamFailed, a.Skipped + b.Skipped, a.Live + b.Live);

    public static InstanceCounts operator -(InstanceCounts a, InstanceCounts b) =>
        new(a.Success - b.Success, a.Failed - b.Failed, a.UpstreamFailed - b.UpstreamFailed, a.Skipped - b.Skipped, a.Live - b.Live);

    /// <summary>The numbers in stored order, as an addition to the stored field (<see cref="HashCountMove"/>).</summary>
    public System.Collections.Immutable.ImmutableArray<int> ToArray() => System.Collections.Immutable.ImmutableArray.Create(Success, Failed, UpstreamFailed, Skipped, Live);

    /// <summary>The stored form, <c>success,failed,upstream_failed,skipped,live</c>.</summary>
    public string Format() => string.Join(",", Success.ToString(CultureInfo.InvariantCulture), Failed.ToString(CultureInfo.InvariantCulture),
        UpstreamFailed.ToString(CultureInfo.InvariantCulture), Skipped.ToString(CultureInfo.InvariantCulture), Live.ToString(CultureInfo.InvariantCulture));

    /// <summary>Reads the stored form; a missing field or position counts as zero.</summary>
    public static InstanceCounts Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return default;
        var parts = text.Split(',');
        int At(int i) => i < parts.Length && int.TryParse(parts[i], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
        return new InstanceCounts(At(0), At(1), At(2), At(3), At(4));
    }
}
