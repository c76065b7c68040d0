using System.Collections.Concurrent;
using System.Diagnostics;

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
    public static void Step(string runId, string taskId) => Probe.Mark(runId, taskId);
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
