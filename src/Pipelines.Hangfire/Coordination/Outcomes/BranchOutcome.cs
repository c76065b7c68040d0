using System.Collections.Generic;
using System.Linq;

namespace Pipelines.Hangfire;

/// <summary>
/// A branch that chose its targets: it succeeds and its other targets are skipped, as Airflow's skip_all_except (a
/// target downstream of a chosen one is kept: it joins the chosen path). Choosing a task that is not a target fails it.
/// </summary>
internal static class BranchOutcome
{
    /// <summary>Applies the choice; false when the branch failed (a choice that is not one of its targets).</summary>
    public static bool Apply(RunWork work, TaskDefinition definition, TaskInstance task, TaskOutcome outcome)
    {
        var now = work.Now;
        var targets = definition.BranchTargets.Select(i => work.Pipeline.Tasks[i].Id).ToList();
        var unknown = outcome.ChosenBranches.Where(c => !targets.Contains(c)).ToList();
        if (unknown.Count > 0)
        {
            var reason = $"Failed on try {task.TryNumber}: the branch chose {string.Join(", ", unknown.Select(u => $"'{u}'"))}, which is not one of its targets ({string.Join(", ", targets)}).";
            work.Set(task with { State = TaskState.Failed, End = now, Reason = reason });
            work.Event(PipelineEventKind.TaskFailed, task.TaskId, TaskState.Failed.Name(), reason);
            return false;
        }
        var chosen = outcome.ChosenBranches.Distinct().ToList();
        work.Set(task with { State = TaskState.Success, End = now, Reason = chosen.Count == 0 ? "Branch chose no target: all targets are skipped." : $"Branch chose {string.Join(", ", chosen)}." });
        // What lies downstream of the skipped targets follows its trigger rules.
        var keep = DownstreamSkip.Reachable(work.Pipeline, chosen.Select(c => work.Pipeline[c].Index));
        foreach (var c in chosen) keep.Add(work.Pipeline[c].Index);
        var skip = new SortedSet<int>(definition.BranchTargets.Where(t => !keep.Contains(t)));
        DownstreamSkip.Skip(work, skip, $"Skipped: branch '{definition.Id}' chose {(chosen.Count == 0 ? "no target" : string.Join(", ", chosen))}.");
        return true;
    }
}
