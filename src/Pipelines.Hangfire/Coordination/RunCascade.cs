using System.Collections.Generic;

namespace Pipelines.Hangfire;

/// <summary>
/// Decides every undecided task whose readiness allows it, in topological order, so skips and failures cascade in one
/// pass, and finishes the run (<see cref="RunOutcome"/>) when every task is done.
/// </summary>
internal static class RunCascade
{
    /// <summary>
    /// Cascades over all tasks, or only those the step changed and what lies downstream of them (a task's decision
    /// depends only on its upstream states, so nothing else can have become decidable).
    /// </summary>
    public static void Run(RunWork work, CascadeScope scope)
    {
        var tasks = work.Pipeline.Tasks;
        if (scope == CascadeScope.All)
        {
            for (var i = 0; i < tasks.Length; i++)
                if (!Decide(work, i)) MappedTask.Settle(work, i);
        }
        else
        {
            var pending = new SortedSet<int>();
            var changedIndexes = work.ChangedIndexes;
            for (var i = 0; i < changedIndexes.Count; i++)
            {
                var changed = changedIndexes[i];
                pending.Add(changed);
                foreach (var next in tasks[changed].Downstream) pending.Add(next);
            }
            // A mapped task some of whose instances changed settles its own state from them, and its downstream are judged
            // again at once: their rules count each instance, so one_failed fires on the first failed instance (Airflow's
            // trigger_rule_dep), not when the last instance ends.
            foreach (var mapped in work.TouchedMapped)
            {
                pending.Add(mapped);
                foreach (var next in tasks[mapped].Downstream) pending.Add(next);
            }
            while (pending.Count > 0)
            {
                var index = pending.Min;
                pending.Remove(index);
                if (Decide(work, index) || MappedTask.Settle(work, index)) foreach (var next in tasks[index].Downstream) pending.Add(next);
            }
        }

        // A step judging by the run's counts reads every state only once the counts say every task is done.
        if (work.Counted && work.Tally!.Finished < tasks.Length) return;
        for (var i = 0; i < tasks.Length; i++)
            if (!work.StateOf(i).IsTerminal()) return;

        var (outcome, message) = RunOutcome.Of(work.Pipeline, work.StateOf);
        work.RunState = outcome;
        work.RunStateChanged = true;
        work.Event(outcome == RunState.Success ? PipelineEventKind.RunSucceeded : PipelineEventKind.RunFailed, null, work.RunState.Name(), message);
    }

    // The last queued task's reason on this thread: tasks queued together are queued for the same sentence.
    [System.ThreadStatic] private static (string Because, string Reason)? t_lastQueued;

    private static string QueuedBecause(string because)
    {
        if (t_lastQueued is { } last && ReferenceEquals(last.Because, because)) return last.Reason;
        var reason = "Queued. " + because;
        t_lastQueued = (because, reason);
        return reason;
    }

    /// <summary>
    /// Decides one undecided task by <see cref="TaskReadiness.DecideQueue"/>; true when it was decided, or decided to run
    /// and left for a following step over the step's job budget (<see cref="RunWork.OverJobBudget"/>).
    /// </summary>
    public static bool Decide(RunWork work, int index)
    {
        if (work.StateOf(index) != TaskState.None) return false;
        var task = work.Pipeline.Tasks[index];
        var evaluation = TaskReadiness.DecideQueue(ReadinessContext.Of(work, index));
        switch (evaluation.Decision)
        {
            case TriggerDecision.Run when task.MapOver is not null:
                MappedTask.Expand(work, index, evaluation.Reason);
                return true;
            case TriggerDecision.Run when work.OverJobBudget(work.Pipeline.PriorityWeightOf(task)):
                // As the step would leave it once it kept its budget of jobs (RunStep), without spelling the decision.
                work.Defer(index);
                return true;
            case TriggerDecision.Run:
            {
                var instance = work.Get(index);
                work.Set(instance with { State = TaskState.Queued, TryNumber = instance.TryNumber + 1, Start = null, End = null, Reason = QueuedBecause(evaluation.Reason), FirstPoke = null });
                work.Jobs.Add(new PendingJob(task.Id, instance.TryNumber + 1, null, DecidedFrom: instance));
                return true;
            }
            case TriggerDecision.Skip:
                work.Set(work.Get(index) with { State = TaskState.Skipped, End = work.Now, Reason = evaluation.Reason });
                return true;
            case TriggerDecision.UpstreamFailed:
                work.Set(work.Get(index) with { State = TaskState.UpstreamFailed, End = work.Now, Reason = evaluation.Reason });
                return true;
            default:
                return false;
        }
    }
}
