using System.Runtime.CompilerServices;

namespace Pipelines.Hangfire;

/// <summary>
/// Which tasks of a pipeline tie a run to the one before it (<see cref="PreviousRunTaskDone"/>), worked out once per
/// pipeline: whether any task depends on past (else nothing about the previous run is ever read), and which tasks' states
/// the next run waits for (a task that depends on past, and the direct downstream of one that waits for downstream).
/// </summary>
internal sealed class PastDependence
{
    private static readonly ConditionalWeakTable<PipelineDefinition, PastDependence> s_cache = new();

    private readonly bool[] _watched;

    private PastDependence(PipelineDefinition pipeline)
    {
        _watched = new bool[pipeline.Tasks.Length];
        foreach (var task in pipeline.Tasks)
        {
            if (!(task.DependsOnPast || task.WaitForDownstream)) continue;
            Any = true;
            _watched[task.Index] = true;
            if (task.WaitForDownstream) foreach (var d in task.Downstream) _watched[d] = true;
        }
    }

    public static PastDependence Of(PipelineDefinition pipeline) => s_cache.GetValue(pipeline, p => new PastDependence(p));

    /// <summary>Whether any task of the pipeline depends on past (or waits for downstream).</summary>
    public bool Any { get; }

    /// <summary>
    /// Whether the step may have released a task of the next run: it moved a task the next run waits for to success or
    /// skipped (a try's end, an operator's mark, a cascade's skip).
    /// </summary>
    public bool MayRelease(RunWork work)
    {
        if (!Any) return false;
        var changed = work.ChangedIndexes;
        for (var i = 0; i < changed.Count; i++)
            if (_watched[changed[i]] && PreviousRunTaskDone.IsDone(work.StateOf(changed[i]))) return true;
        return false;
    }
}
