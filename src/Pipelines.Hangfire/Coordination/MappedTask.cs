using System.Collections.Generic;
using System.Text.Json;

namespace Pipelines.Hangfire;

/// <summary>
/// Dynamic task mapping under the run's lock, as Airflow's: when a mapped task's trigger rule lets it run, it expands to
/// one instance per element of its upstream's collection (<see cref="Expand"/>), each a task instance of its own with a
/// job, tries, slots, log and output; the mapped task's own record then follows its instances (<see cref="Settle"/>).
/// </summary>
/// <remarks>
/// Airflow's rules kept here: an empty collection skips the mapped task (<c>TaskInstance.expand_mapped_task</c> marks the
/// unexpanded instance skipped when the length is 0), and a collection longer than <c>max_map_length</c> fails it
/// (<c>UnmappableXComLengthPushed</c>). A downstream's trigger rule counts every instance (<see cref="TriggerRuleSatisfied"/>).
/// </remarks>
internal static class MappedTask
{
    /// <summary>Expands the mapped task at <paramref name="index"/>, whose trigger rule says run, over its upstream's collection.</summary>
    public static void Expand(RunWork work, int index, string ruleReason)
    {
        var definition = work.Pipeline.Tasks[index];
        var parent = work.Get(index);
        var upstreamId = work.Pipeline.Tasks[definition.MapOver!.Value].Id;
        int count;
        try
        {
            count = TaskDataSerializer.CountElements(work.OutputOf(upstreamId));
        }
        catch (JsonException)
        {
            count = -1;
        }
        if (count < 0)
        {
            Fail(work, parent, $"Failed: it maps over the output of {upstreamId}, which is not a collection (a JSON array).");
            return;
        }
        if (count == 0)
        {
            var reason = $"Skipped: {upstreamId} returned an empty collection, so there is nothing to map over.";
            work.Set(parent with { State = TaskState.Skipped, Start = work.Now, End = work.Now, MapLength = 0, Reason = reason });
            return;
        }
        var limit = definition.MaxMapLength > 0 ? definition.MaxMapLength : work.MaxMapLength;
        if (count > limit)
        {
            var setting = definition.MaxMapLength > 0 ? $"[PipelineTask(MaxMapLength = {limit})]" : $"Pipelines:MaxMapLength ({limit})";
            Fail(work, parent, $"Failed: {upstreamId} returned {count} elements to map over, more than the limit of {limit} set by {setting}. Raise the limit or split the collection.");
            return;
        }

        work.Set(parent with
        {
            State = TaskState.Running, Start = work.Now, End = null, MapLength = count, ClearRequested = false,
            Reason = $"Mapped over {count} element(s) of {upstreamId}: {count} instance(s). " + ruleReason,
        });
        for (var i = 0; i < count; i++)
        {
            var instance = work.Instance(MapKey.Of(definition.Id, i));
            // An instance cleared while its try runs keeps running: that try's result is discarded when it ends and the
            // instance is queued again then (Settle), so two tries of one instance never run at once or share its slots.
            if (instance.State == TaskState.Running && instance.ClearRequested) continue;
            if (OverBudget(work, definition)) break;
            Queue(work, instance, "Queued: mapped instance " + i + " of " + count + ".");
        }
    }

    /// <summary>
    /// Whether the step has created its budget of jobs for tasks of this mapped task's priority weight or higher
    /// (<see cref="RunWork.OverJobBudget"/>): its instances not yet queued are then left undecided at once, the task
    /// listed for the following steps (<see cref="RunWork.Defer"/>), rather than queued and taken back (a 1,000-instance
    /// expansion queued 1,000 and took 800 back, and each following step queued what was left and took back all but 200).
    /// Every instance has the task's weight, so once over, the rest are too.
    /// </summary>
    private static bool OverBudget(RunWork work, TaskDefinition definition)
    {
        if (!work.OverJobBudget(work.Pipeline.PriorityWeightOf(definition))) return false;
        work.Defer(definition.Index);
        return true;
    }

    /// <summary>
    /// Brings an expanded mapped task's own record in line with its instances: instances an operator cleared are queued
    /// again (or skipped, or upstream_failed) by the trigger rule, and when every instance is done the task takes their
    /// aggregate state. True when the task's own record changed (its downstream are judged again).
    /// </summary>
    public static bool Settle(RunWork work, int index)
    {
        var definition = work.Pipeline.Tasks[index];
        if (definition.MapOver is null) return false;
        var parent = work.Get(index);
        if (parent.MapLength is not { } length || length == 0 || parent.State == TaskState.None) return false;
        // By the counts while every instance is decided (an instance's end); the states are read when some are not.
        var counts = work.InstanceCountsOf(index);
        if (counts.Undecided(length) != 0) counts = DecideUndecided(work, index);

        if (counts.Done < length)
        {
            if (parent.State == TaskState.Running) return false;
            work.Set(parent with { State = TaskState.Running, End = null, Reason = $"{length - counts.Done} of {length} instance(s) not done." });
            return true;
        }
        // As Airflow's run outcome over leaf instances: one failed instance fails the mapped task's aggregate.
        var state = counts.Failed > 0 ? TaskState.Failed
            : counts.UpstreamFailed > 0 ? TaskState.UpstreamFailed
            : counts.Skipped == length ? TaskState.Skipped
            : TaskState.Success;
        var summary = $"{length} instance(s): {counts.Success} succeeded, {counts.Failed} failed, {counts.UpstreamFailed} upstream_failed, {counts.Skipped} skipped.";
        if (parent.State == state && parent.Reason == summary) return false;
        work.Set(parent with { State = state, End = work.Now, Reason = summary });
        return true;
    }

    /// <summary>
    /// Decides the undecided instances of an expanded mapped task by its trigger rule (those an operator cleared, or left
    /// over a step's job budget): queued again, skipped or upstream_failed. Returns the instances counted from their
    /// states as this leaves them, which become the run's counts of them (repairing counts that were wrong).
    /// </summary>
    private static InstanceCounts DecideUndecided(RunWork work, int index)
    {
        var definition = work.Pipeline.Tasks[index];
        var states = work.InstanceStatesOf(index);
        // Only undecided instances are parsed; the rest are judged by their states alone.
        var cleared = new List<TaskInstance>();
        for (var i = 0; i < states.Count; i++) if (states[i] == TaskState.None) cleared.Add(work.Instance(MapKey.Of(definition.Id, i)));
        if (cleared.Count > 0 && work.RunState == RunState.Running)
        {
            var evaluation = TaskReadiness.DecideQueue(ReadinessContext.Of(work, index) with { MappedInstance = cleared[0] });
            // Spelled once for all the cleared instances (a wait is not written).
            var reason = evaluation.Decision == TriggerDecision.Wait ? "" : evaluation.Reason;
            foreach (var instance in cleared)
            {
                if (evaluation.Decision == TriggerDecision.Run && OverBudget(work, definition)) break;
                switch (evaluation.Decision)
                {
                    case TriggerDecision.Run:
                        Queue(work, instance, "Queued. " + reason);
                        break;
                    case TriggerDecision.Skip:
                        work.Set(instance with { State = TaskState.Skipped, End = work.Now, Reason = reason });
                        break;
                    case TriggerDecision.UpstreamFailed:
                        work.Set(instance with { State = TaskState.UpstreamFailed, End = work.Now, Reason = reason });
                        break;
                }
            }
            states = work.InstanceStatesOf(index);
        }
        var counts = InstanceCounts.Of(states);
        work.Recounted(index, counts);
        return counts;
    }

    private static void Queue(RunWork work, TaskInstance instance, string reason)
    {
        // A cleared instance (or one from before its task was cleared) gets its whole retry budget again.
        var tryNumber = instance.TryNumber + 1;
        work.Set(instance with
        {
            State = TaskState.Queued, TryNumber = tryNumber, FirstTry = tryNumber, Start = null, End = null, Server = null,
            FirstPoke = null, ClearRequested = false, Execution = null, Reason = reason,
        });
        // Left over a step's job budget, the instance is undecided (as a cleared one is) until a later step queues it.
        work.Jobs.Add(new PendingJob(instance.TaskId, tryNumber, null, DecidedFrom: instance.State == TaskState.None ? instance : instance with { State = TaskState.None }));
    }

    private static void Fail(RunWork work, TaskInstance parent, string reason)
    {
        work.Set(parent with { State = TaskState.Failed, Start = work.Now, End = work.Now, Reason = reason });
        work.Event(PipelineEventKind.TaskFailed, parent.TaskId, TaskState.Failed.Name(), reason);
    }
}
