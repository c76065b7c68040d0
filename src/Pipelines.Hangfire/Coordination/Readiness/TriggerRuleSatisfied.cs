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
        var summary = counted ?? default;
        foreach (var u in read)
        {
            // A mapped upstream counts once per instance once it expanded; before that (or skipped over an empty
            // collection, or failed over a long one) it counts once, by its own state.
            if (context.MapSummaryOf?.Invoke(u) is { } instances) summary = Add(summary, instances);
            else states.Add(context.StateOf(u));
        }
        return Add(summary, UpstreamSummary.Of(states));
    }

    private static UpstreamSummary Add(UpstreamSummary a, UpstreamSummary b) =>
        new(a.Total + b.Total, a.Success + b.Success, a.Failed + b.Failed, a.UpstreamFailed + b.UpstreamFailed, a.Skipped + b.Skipped);

    public TaskDependency Evaluate(ReadinessContext context)
    {
        var evaluation = Judge(context);
        var upstream = context.Task.Upstream;
        var detail = upstream.Length == 0 ? "" : " Upstream: " + string.Join(", ", upstream.Select(i => $"{context.Pipeline.Tasks[i].Id} {context.StateOf(i).Name()}")) + ".";
        return new TaskDependency($"Trigger rule ({TriggerRuleEvaluator.RuleName(context.Task.Trigger)})", evaluation.Decision == TriggerDecision.Run, evaluation.Reason + detail);
    }

    TaskDependency? IReadinessReason.Evaluate(ReadinessContext context) => Evaluate(context);
}
