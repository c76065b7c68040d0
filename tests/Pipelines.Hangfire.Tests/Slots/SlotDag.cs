using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using Pipelines.Hangfire.Tests.Airflow;

namespace Pipelines.Hangfire.Tests.Slots;

/// <summary>When a task's try ran, as its body saw it.</summary>
public sealed record TryInterval(string Pipeline, string RunId, string TaskId, long Start, long End);

/// <summary>
/// Records when each task body starts and ends (one clock for every server in the process), and how many bodies run at
/// once, so a test asserts what actually ran together rather than what the bookkeeping says.
/// </summary>
public sealed class TryRecorder
{
    private readonly ConcurrentQueue<TryInterval> _intervals = new();

    public IReadOnlyList<TryInterval> Intervals => _intervals.ToArray();

    /// <summary>A gate the test opens to let tasks marked "held" finish.</summary>
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Add(TryInterval interval) => _intervals.Enqueue(interval);

    /// <summary>The most tries of <paramref name="which"/> whose intervals overlap at one moment.</summary>
    public int MaxOverlap(Func<TryInterval, bool>? which = null)
    {
        var edges = Intervals.Where(which ?? (_ => true)).SelectMany(i => new[] { (At: i.Start, Delta: 1), (At: i.End, Delta: -1) })
            .OrderBy(e => e.At).ThenBy(e => e.Delta); // an end and a start at the same tick do not overlap
        int current = 0, max = 0;
        foreach (var edge in edges) max = Math.Max(max, current += edge.Delta);
        return max;
    }

    /// <summary>The ids of the tasks in the order their bodies started.</summary>
    public IReadOnlyList<string> StartOrder(Func<TryInterval, bool>? which = null) =>
        Intervals.Where(which ?? (_ => true)).OrderBy(i => i.Start).Select(i => i.TaskId).ToArray();
}

/// <summary>The slot settings of one task of a <see cref="SlotDag"/> (what the generator would read from its attribute).</summary>
public sealed record TaskLimits(string? Pool = null, int PoolSlots = 1, int MaxActiveTries = 0, int PriorityWeight = 1, PriorityWeightRule WeightRule = PriorityWeightRule.Downstream)
{
    public TaskDefinition On(TaskDefinition task) => new()
    {
        Index = task.Index,
        Id = task.Id,
        Kind = task.Kind,
        Trigger = task.Trigger,
        Upstream = task.Upstream,
        Downstream = task.Downstream,
        BranchTargets = task.BranchTargets,
        Pool = Pool,
        PoolSlots = PoolSlots,
        MaxActiveTries = MaxActiveTries,
        PriorityWeight = PriorityWeight,
        WeightRule = WeightRule,
    };
}

/// <summary>
/// Pipelines built by hand (no generator) for the slot limits: a <see cref="SmallDag"/> shape whose tasks take a pool,
/// slots, weights and concurrency limits, and whose bodies record their intervals in a <see cref="TryRecorder"/>.
/// </summary>
public static class SlotDag
{
    public static PipelineDefinition Build(string id, IReadOnlyList<DagTask> shape, TryRecorder recorder, int delayMs,
        Func<string, TaskLimits>? task = null, int maxActiveTasks = 0, ISet<string>? held = null)
    {
        var plain = SmallDag.Build(id, shape);
        var tasks = plain.Tasks.Select(t => task?.Invoke(t.Id) is { } limits ? limits.On(t) : t).ToImmutableArray();
        return new PipelineDefinition(id, typeof(SlotDag), tasks, async (index, invocation) =>
        {
            var start = Stopwatch.GetTimestamp();
            var taskId = tasks[index].Id;
            if (held is not null && held.Contains(taskId)) await recorder.Gate.Task.WaitAsync(invocation.CancellationToken);
            else await Task.Delay(delayMs, invocation.CancellationToken);
            recorder.Add(new TryInterval(id, invocation.Run.RunId, taskId, start, Stopwatch.GetTimestamp()));
            return TaskOutcome.Completed(null);
        }) { MaxActiveTasks = maxActiveTasks };
    }

    /// <summary><paramref name="count"/> independent tasks T0, T1, ...</summary>
    public static DagTask[] Independent(int count) => Enumerable.Range(0, count).Select(i => SmallDag.T("T" + i)).ToArray();
}
