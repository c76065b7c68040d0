using System.Linq;

namespace Pipelines.Hangfire;

/// <summary>
/// The task's trigger rule over the states of its direct upstream tasks (<see cref="TriggerRuleEvaluator"/>): the
/// cascade queues, skips or fails a task by <see cref="Judge"/>, and people read the same evaluation.
/// </summary>
internal sealed class TriggerRuleSatisfied : IReadinessReason
{
    public static readonly TriggerRuleSatisfied Instance = new();

    /// <summary>The rule's decision and its sentence, as the cascade acts on it.</summary>
    public static TriggerEvaluation Judge(ReadinessContext context)
    {
        var upstream = context.Task.Upstream;
        var states = new TaskState[upstream.Length];
        for (var u = 0; u < states.Length; u++) states[u] = context.StateOf(upstream[u]);
        return TriggerRuleEvaluator.Evaluate(context.Task.Trigger, UpstreamSummary.Of(states));
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
