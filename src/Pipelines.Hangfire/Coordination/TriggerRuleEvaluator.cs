using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace Pipelines.Hangfire;

/// <summary>What the scheduler does with a task whose upstream states are known.</summary>
public enum TriggerDecision
{
    /// <summary>Not yet: some upstream task has not finished and the rule needs it.</summary>
    Wait,
    /// <summary>The rule is satisfied: queue the task.</summary>
    Run,
    /// <summary>The rule can no longer be satisfied because of skips: skip the task.</summary>
    Skip,
    /// <summary>The rule can no longer be satisfied because of failures: mark it upstream_failed.</summary>
    UpstreamFailed,
}

/// <summary>How many direct upstream tasks are in each state.</summary>
/// <param name="Total">All direct upstream tasks.</param>
/// <param name="Success">Succeeded.</param>
/// <param name="Failed">Failed.</param>
/// <param name="UpstreamFailed">Could not run because of a failure further up.</param>
/// <param name="Skipped">Skipped.</param>
public readonly record struct UpstreamSummary(int Total, int Success, int Failed, int UpstreamFailed, int Skipped)
{
    /// <summary>Upstream tasks that have reached a terminal state.</summary>
    public int Done => Success + Failed + UpstreamFailed + Skipped;

    /// <summary>Upstream tasks still to finish.</summary>
    public int Pending => Total - Done;

    /// <summary>Failed or upstream_failed.</summary>
    public int AnyFailed => Failed + UpstreamFailed;

    /// <summary>Counts the states of the given upstream tasks.</summary>
    public static UpstreamSummary Of(IEnumerable<TaskState> states)
    {
        var total = 0;
        var counts = default(InstanceCounts);
        foreach (var state in states)
        {
            total++;
            counts += InstanceCounts.Of(state);
        }
        return counts.Summary(total);
    }

    /// <summary>"2 of 3 upstream tasks succeeded, 1 failed" and so on, for explanations.</summary>
    public string Describe()
    {
        if (Total == 0) return "it has no upstream tasks";
        var parts = new List<string>();
        if (Success > 0) parts.Add($"{Success} succeeded");
        if (Failed > 0) parts.Add($"{Failed} failed");
        if (UpstreamFailed > 0) parts.Add($"{UpstreamFailed} upstream_failed");
        if (Skipped > 0) parts.Add($"{Skipped} skipped");
        if (Pending > 0) parts.Add($"{Pending} not done");
        return $"of {Total} upstream task{(Total == 1 ? "" : "s")}, " + string.Join(", ", parts);
    }
}

/// <summary>The outcome of checking a trigger rule, with the sentence that explains it.</summary>
public readonly record struct TriggerEvaluation(TriggerDecision Decision, string Reason);

/// <summary>
/// Airflow's twelve trigger rules over the states of a task's direct upstream tasks. The scheduler uses this to decide,
/// and the dashboard uses the same result to explain why a task is or is not running.
/// </summary>
public static class TriggerRuleEvaluator
{
    /// <summary>Decides what happens to a task with the given rule and upstream states.</summary>
    public static TriggerEvaluation Evaluate(TriggerRule rule, UpstreamSummary up)
    {
        var decision = Decide(rule, up);
        return new(decision, Explain(rule, up, decision));
    }

    /// <summary>The decision of <see cref="Evaluate"/> without its sentence.</summary>
    public static TriggerDecision Decide(TriggerRule rule, UpstreamSummary up)
    {
        if (up.Total == 0) return TriggerDecision.Run;
        const TriggerDecision Run = TriggerDecision.Run, Wait = TriggerDecision.Wait, Skip = TriggerDecision.Skip, Failed = TriggerDecision.UpstreamFailed;
        var allDone = up.Pending == 0;
        switch (rule)
        {
            case TriggerRule.AllSuccess:
                // A failure decides at once; a skip waits for the rest, so that a failure still to come takes precedence
                // and the outcome never depends on which upstream task happened to finish first.
                if (up.AnyFailed > 0) return Failed;
                if (!allDone) return Wait;
                return up.Skipped > 0 ? Skip : Run;
            case TriggerRule.AllFailed:
                if (up.Success > 0 || up.Skipped > 0) return Skip;
                return allDone ? Run : Wait;
            case TriggerRule.AllDone:
                return allDone ? Run : Wait;
            case TriggerRule.AllDoneMinOneSuccess:
                // As Airflow's trigger_rule_dep: a skipped upstream task skips it, and every upstream task done with none
                // succeeded makes it upstream_failed.
                if (up.Skipped > 0) return Skip;
                if (!allDone) return Wait;
                return up.Success > 0 ? Run : Failed;
            case TriggerRule.AllSkipped:
                if (up.Success > 0 || up.AnyFailed > 0) return Skip;
                return allDone ? Run : Wait;
            case TriggerRule.OneFailed:
                if (up.AnyFailed > 0) return Run;
                return allDone ? Skip : Wait;
            case TriggerRule.OneSuccess:
                if (up.Success > 0) return Run;
                if (!allDone) return Wait;
                return up.AnyFailed > 0 ? Failed : Skip;
            case TriggerRule.OneDone:
                if (up.Success > 0 || up.Failed > 0) return Run;
                return allDone ? Skip : Wait;
            case TriggerRule.NoneFailed:
                if (up.AnyFailed > 0) return Failed;
                return allDone ? Run : Wait;
            case TriggerRule.NoneFailedMinOneSuccess:
                if (up.AnyFailed > 0) return Failed;
                if (!allDone) return Wait;
                return up.Success > 0 ? Run : Skip;
            case TriggerRule.NoneSkipped:
                if (up.Skipped > 0) return Skip;
                return allDone ? Run : Wait;
            case TriggerRule.Always:
                return Run;
            default:
                return Wait;
        }
    }

    /// <summary>The sentence that explains <paramref name="decision"/>, the rule's decision over <paramref name="up"/>.</summary>
    internal static string Explain(TriggerRule rule, UpstreamSummary up, TriggerDecision decision)
    {
        // The same rule over the same counts says the same: a fan-out's thousand tasks queued together share one sentence.
        if (s_explained.TryGetValue((rule, up, decision), out var known)) return known;
        var sentence = Spell(rule, up, decision);
        if (Volatile.Read(ref s_explainedCount) < MaxExplained && Interlocked.Increment(ref s_explainedCount) <= MaxExplained) s_explained.TryAdd((rule, up, decision), sentence);
        return sentence;
    }

    // Kept for the process's life, so bounded: a pipeline's sentences are few, and past this many new ones are spelled each time.
    private const int MaxExplained = 4096;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(TriggerRule, UpstreamSummary, TriggerDecision), string> s_explained = new();
    private static int s_explainedCount;

    private static string Spell(TriggerRule rule, UpstreamSummary up, TriggerDecision decision)
    {
        if (up.Total == 0) return "It has no upstream tasks.";
        if (rule == TriggerRule.Always) return "Trigger rule always runs the task whatever its upstream tasks do.";
        var name = RuleName(rule);
        var facts = up.Describe();
        return decision switch
        {
            TriggerDecision.Run => $"Trigger rule {name} is met: {facts}.",
            TriggerDecision.Skip => $"Skipped: trigger rule {name} can no longer be met; {facts}.",
            TriggerDecision.UpstreamFailed => $"Upstream failed: trigger rule {name} can no longer be met; {facts}.",
            _ => $"Waiting: trigger rule {name} is not met yet; {facts}.",
        };
    }

    /// <summary>The rule's Airflow name, such as <c>all_success</c>.</summary>
    public static string RuleName(TriggerRule rule) =>
        (uint)rule < (uint)s_ruleNames.Length ? s_ruleNames[(int)rule] : SnakeCase(rule);

    // Every decision names its rule: spelled once per rule, not a string per character per decision.
    private static readonly string[] s_ruleNames = Enumerable.Range(0, Enum.GetValues<TriggerRule>().Max(r => (int)r) + 1).Select(i => SnakeCase((TriggerRule)i)).ToArray();

    private static string SnakeCase(TriggerRule rule) => string.Concat(rule.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
