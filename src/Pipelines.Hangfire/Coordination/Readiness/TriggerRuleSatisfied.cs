using System.Collections.Generic;
using System.Linq;

namespace Pipelines.Hangfire;

/// <summary>
/// The task's trigger rule over the states of its direct upstream tasks (<see cref="TriggerRuleEvaluator"/>): the
/// cascade queues, skips or fails a task by <see cref="Judge"/>, and people read the same evaluation.
/// </summary>
internal sealed class TriggerRuleSatisfied : IReadinessReason
{
    public static readonly TriggerRuleSatisfied Instance = new();

    /// <summary>The rule's decision and its sentence, as people read it.</summary>
    public static TriggerEvaluation Judge(ReadinessContext context) => TriggerRuleEvaluator.Evaluate(context.Task.Trigger, Upstream(context));

    /// <summary>The states of the task's direct upstream tasks, counted as its trigger rule judges them.</summary>
    public static UpstreamSummary Upstream(ReadinessContext context)
    {
        // With the run's counts (a try's end), only mapped upstream tasks are read: the counts leave them out.
        var counted = context.CountedUpstream?.Invoke(context.Task.Index);
        IReadOnlyList<int> read = counted is null ? context.Task.Upstream : UpstreamTally.MappedUpstream(context.Pipeline, context.Task.Index);
        var states = new List<TaskState>(read.Count);
        foreach (var u in read)
        {
            // A mapped upstream counts once per instance once it expanded; before that (or skipped over an empty
            // collection, or failed over a long one) it counts once, by its own state.
            if (context.MapStatesOf?.Invoke(u) is { Count: > 0 } instances) states.AddRange(instances);
            else states.Add(context.StateOf(u));
        }
        var summary = UpstreamSummary.Of(states);
        if (counted is { } c)
            summary = new UpstreamSummary(summary.Total + c.Total, summary.Success + c.Success, summary.Failed + c.Failed, summary.UpstreamFailed + c.UpstreamFailed, summary.Skipped + c.Skipped);
        return summary;
    }

    public TaskDependency Evaluate(ReadinessContext context)
    {
        var evaluation = Judge(context);
        var upstream = context.Task.Upstream;
        var detail = upstream.Length == 0 ? "" : " Upstream: " + string.Join(", ", upstream.Select(i => $"{context.Pipeline.Tasks[i].Id} {context.StateOf(i).Name()}")) + ".";
        return new TaskDependency($"Trigger rule ({TriggerRuleEvaluator.RuleName(context.Task.Trigger)})", evaluation.Decision == TriggerDecision.Run, evaluation.Reason + detail);
    }

    TaskDependency? IReadinessReason.Evaluate(ReadinessContext context) => Evaluate(context);
}
