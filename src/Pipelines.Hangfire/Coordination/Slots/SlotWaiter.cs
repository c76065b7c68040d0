using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// A try waiting for slots, as stored (a JSON member of <see cref="SlotBook.WaitingKey"/>): which try, the limits it needs
/// (with the capacity and slots they had when it was refused), and what orders it among the waiters, as Airflow orders
/// queued task instances: the higher effective priority weight first, then the earlier logical date, then the one
/// that has waited longest. One step of our own among equal weights: a backfill's tries go after scheduled and manual
/// runs' (Airflow would take the backfill's older dates first), so a long backfill on a small pool does not hold
/// today's load back.
/// </summary>
internal sealed record SlotWaiter(string PipelineId, string RunId, string TaskId, int TryNumber, long Weight, string LogicalDate, long SinceTicks, IReadOnlyList<SlotWaiter.Need> Needs)
{
    /// <summary>One limit the waiter needs slots of.</summary>
    public sealed record Need(string Key, int Capacity, int Slots);

    public static readonly IComparer<SlotWaiter> Order = Comparer<SlotWaiter>.Create((a, b) =>
    {
        var byWeight = b.Weight.CompareTo(a.Weight);
        if (byWeight != 0) return byWeight;
        var byKind = a.Backfill.CompareTo(b.Backfill);
        if (byKind != 0) return byKind;
        var byDate = string.CompareOrdinal(a.LogicalDate, b.LogicalDate);
        return byDate != 0 ? byDate : a.SinceTicks.CompareTo(b.SinceTicks);
    });

    /// <summary>Whether the try belongs to a backfill's run.</summary>
    public bool Backfill { get; init; }

    public Instant Since => Instant.FromUnixTimeTicks(SinceTicks);

    public bool IsOf(string pipelineId, string runId, string taskId) => PipelineId == pipelineId && RunId == runId && TaskId == taskId;

    public SlotHolder Holder(Need need) => new(PipelineId, RunId, TaskId, TryNumber, need.Slots);

    public string Format() => JsonSerializer.Serialize(this, s_json);

    public static SlotWaiter? Parse(string member)
    {
        try
        {
            return JsonSerializer.Deserialize<SlotWaiter>(member, s_json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static SlotWaiter Of(PipelineDefinition pipeline, string runId, TaskDefinition task, int tryNumber, string? logicalDate, Instant since, IEnumerable<SlotLimit> limits, bool backfill = false, string? taskKey = null) =>
        new(pipeline.Id, runId, taskKey ?? task.Id, tryNumber, pipeline.PriorityWeightOf(task), logicalDate ?? "", since.ToUnixTimeTicks(), limits.Select(l => new Need(l.Key, l.Capacity, l.Need)).ToArray())
        {
            Backfill = backfill,
        };

    private static readonly JsonSerializerOptions s_json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never };
}
