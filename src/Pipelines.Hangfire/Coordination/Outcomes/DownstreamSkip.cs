using System.Collections.Generic;

namespace Pipelines.Hangfire;

/// <summary>How conditions and branches skip tasks: what is reachable downstream, and which tasks a skip spares.</summary>
internal static class DownstreamSkip
{
    /// <summary>Every task reachable downstream of <paramref name="from"/>, not counting them.</summary>
    public static SortedSet<int> Reachable(PipelineDefinition pipeline, IEnumerable<int> from)
    {
        var seen = new SortedSet<int>();
        var pending = new Stack<int>();
        foreach (var start in from) foreach (var next in pipeline.Tasks[start].Downstream) pending.Push(next);
        while (pending.Count > 0)
        {
            var index = pending.Pop();
            if (!seen.Add(index)) continue;
            foreach (var next in pipeline.Tasks[index].Downstream) pending.Push(next);
        }
        return seen;
    }

    /// <summary>
    /// Skips the given tasks unless they are running or have succeeded or failed: Airflow's skip spares only those, so a
    /// task already upstream_failed (or queued behind an Always rule) becomes skipped too. A queued try's job then finds
    /// its task skipped and does nothing.
    /// </summary>
    public static void Skip(RunWork work, IEnumerable<int> tasks, string reason)
    {
        foreach (var index in tasks)
        {
            var instance = work.Get(index);
            if (instance.State is TaskState.Running or TaskState.Success or TaskState.Failed or TaskState.Skipped) continue;
            work.Set(instance with { State = TaskState.Skipped, End = work.Now, Reason = reason });
        }
    }
}
