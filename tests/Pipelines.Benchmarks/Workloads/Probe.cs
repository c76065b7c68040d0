using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using global::Hangfire;
using global::Hangfire.Common;
using global::Hangfire.States;

namespace Pipelines.Benchmarks.Workloads;

/// <summary>
/// Where every benchmark task, pipeline task or raw Hangfire job alike, records the moment its body ran
/// (<see cref="Stopwatch.GetTimestamp"/>), keyed by run and task. The same call on both sides keeps the comparison fair.
/// </summary>
public static class Probe
{
    private static readonly ConcurrentDictionary<string, long> s_marks = new(StringComparer.Ordinal);

    public static void Mark(string runId, string taskId) => s_marks[Key(runId, taskId)] = Stopwatch.GetTimestamp();

    public static long? Get(string runId, string taskId) => s_marks.TryGetValue(Key(runId, taskId), out var t) ? t : null;

    public static int Count(string runId)
    {
        var prefix = runId + "/";
        var count = 0;
        foreach (var key in s_marks.Keys) if (key.StartsWith(prefix, StringComparison.Ordinal)) count++;
        return count;
    }

    public static void Clear() => s_marks.Clear();

    private static string Key(string runId, string taskId) => runId + "/" + taskId;
}

/// <summary>The raw Hangfire side: one trivial job method, the same body as a pipeline task.</summary>
public static class RawJobs
{
    private static readonly MethodInfo s_stepThenEnqueue = typeof(RawJobs).GetMethod(nameof(StepThenEnqueue))!;

    public static void Step(string runId, string taskId) => Probe.Mark(runId, taskId);

    /// <summary>Where <see cref="StepThenEnqueue"/> creates the next job (the measuring host's client; one chain at a time); null ends the chain.</summary>
    public static IBackgroundJobClient? NextClient { get; set; }

    /// <summary>
    /// The same body, then the next job of a chain of <paramref name="length"/> created and enqueued, as the runtime creates
    /// a task's job once its upstream task has ended (a continuation, <see cref="Step"/>'s chain, exists before its parent
    /// runs). The job is built from its method and arguments, not from an expression, which Hangfire would parse each time.
    /// </summary>
    public static void StepThenEnqueue(string runId, int index, int length)
    {
        Probe.Mark(runId, TaskId(index));
        if (index + 1 < length && NextClient is { } client) client.Create(new Job(s_stepThenEnqueue, runId, index + 1, length), new EnqueuedState());
    }

    /// <summary>The chain's first job.</summary>
    public static Job FirstOfChain(string runId, int length) => new(s_stepThenEnqueue, runId, 0, length);

    /// <summary>The task id a chain's job marks: T000, T001, ... as the pipeline's chain names its tasks.</summary>
    public static string TaskId(int index) => $"T{index:000}";
}

/// <summary>A small pipeline run on every fresh host before measuring, so JIT and connection pools are warm.</summary>
[Pipeline("bench_warmup")]
public sealed partial class Warmup
{
    [PipelineTask] public void A(RunContext run) => Probe.Mark(run.RunId, run.TaskId);
    [PipelineTask, DependsOn(nameof(A))] public void B(RunContext run) => Probe.Mark(run.RunId, run.TaskId);
    [PipelineTask, DependsOn(nameof(A))] public void C(RunContext run) => Probe.Mark(run.RunId, run.TaskId);
    [PipelineTask, DependsOn(nameof(B), nameof(C))] public void D(RunContext run) => Probe.Mark(run.RunId, run.TaskId);
}
