using System;
using System.Collections.Generic;

namespace Pipelines.Hangfire;

/// <summary>
/// How a run whose tasks are all done ended, by Airflow's rule (<c>DagRun.update_state</c>): it failed when one of its
/// leaf tasks (those with nothing downstream) failed or is upstream_failed, and succeeded otherwise. A failure that a
/// downstream task handled (<c>Load</c> fails, <c>Cleanup</c> with <c>AllDone</c> succeeds; <c>Bad</c> fails,
/// <c>Alert</c> with <c>OneFailed</c> succeeds) does not fail the run.
/// </summary>
internal static class RunOutcome
{
    /// <summary>The finished run's state and the sentence that says why, from the states of its tasks.</summary>
    public static (RunState State, string Message) Of(PipelineDefinition pipeline, Func<int, TaskState> stateOf)
    {
        var failedLeaves = new List<string>();
        int succeeded = 0, skipped = 0, failed = 0;
        foreach (var task in pipeline.Tasks)
        {
            var state = stateOf(task.Index);
            switch (state)
            {
                case TaskState.Success: succeeded++; break;
                case TaskState.Skipped or TaskState.Removed: skipped++; break;
                case TaskState.Failed or TaskState.UpstreamFailed: failed++; break;
            }
            if (task.Downstream.Length == 0 && state is TaskState.Failed or TaskState.UpstreamFailed) failedLeaves.Add(task.Id);
        }
        if (failedLeaves.Count > 0)
            return (RunState.Failed, $"Run failed: leaf task(s) {string.Join(", ", failedLeaves)} failed or could not run ({failed} task(s) failed or upstream_failed in all).");
        var handled = failed > 0 ? $"; {failed} failed or upstream_failed task(s) were handled downstream, and every leaf task succeeded or was skipped" : "";
        return (RunState.Success, $"Run succeeded: {succeeded} succeeded, {skipped} skipped{handled}.");
    }
}
