namespace Pipelines.Hangfire.Tests;

public sealed class TriggerRuleEvaluatorTests
{
    private static readonly TaskState[] Terminal = { TaskState.Success, TaskState.Failed, TaskState.UpstreamFailed, TaskState.Skipped };

    public static TheoryData<TriggerRule> Rules() => new(Enum.GetValues<TriggerRule>());

    /// <summary>
    /// Whatever order three upstream tasks finish in, the first decision that is not "wait" is the decision the rule makes
    /// once all of them are done: a task's fate never depends on which parent happened to finish first.
    /// </summary>
    [Theory]
    [MemberData(nameof(Rules))]
    public void The_decision_does_not_depend_on_the_order_upstream_tasks_finish_in(TriggerRule rule)
    {
        foreach (var a in Terminal)
        foreach (var b in Terminal)
        foreach (var c in Terminal)
        {
            var final = TriggerRuleEvaluator.Evaluate(rule, UpstreamSummary.Of(new[] { a, b, c })).Decision;
            Assert.NotEqual(TriggerDecision.Wait, final);
            foreach (var order in Permutations(new[] { a, b, c }))
            {
                for (var done = 0; done <= 3; done++)
                {
                    var states = order.Take(done).Concat(Enumerable.Repeat(TaskState.Running, 3 - done));
                    var decision = TriggerRuleEvaluator.Evaluate(rule, UpstreamSummary.Of(states)).Decision;
                    if (decision == TriggerDecision.Wait) continue;
                    Assert.True(decision == final, $"{rule} with {string.Join(",", order.Take(done).Select(s => s.Name()))} decided {decision} early, but {final} once all are done ({a.Name()},{b.Name()},{c.Name()})");
                    break;
                }
            }
        }
    }

    [Theory]
    [InlineData(TriggerRule.AllSuccess, "all_success")]
    [InlineData(TriggerRule.NoneFailedMinOneSuccess, "none_failed_min_one_success")]
    [InlineData(TriggerRule.Always, "always")]
    public void Rules_have_their_Airflow_names(TriggerRule rule, string name) => Assert.Equal(name, TriggerRuleEvaluator.RuleName(rule));

    [Fact]
    public void A_waiting_task_says_what_it_waits_for()
    {
        var evaluation = TriggerRuleEvaluator.Evaluate(TriggerRule.AllSuccess, UpstreamSummary.Of(new[] { TaskState.Success, TaskState.Running, TaskState.Queued }));
        Assert.Equal(TriggerDecision.Wait, evaluation.Decision);
        Assert.Equal("Waiting: trigger rule all_success is not met yet; of 3 upstream tasks, 1 succeeded, 2 not done.", evaluation.Reason);
    }

    [Fact]
    public void A_task_without_upstream_tasks_runs_at_once_whatever_its_rule()
    {
        foreach (var rule in Enum.GetValues<TriggerRule>())
            Assert.Equal(TriggerDecision.Run, TriggerRuleEvaluator.Evaluate(rule, UpstreamSummary.Of(Array.Empty<TaskState>())).Decision);
    }

    private static IEnumerable<TaskState[]> Permutations(TaskState[] items)
    {
        if (items.Length <= 1) { yield return items; yield break; }
        for (var i = 0; i < items.Length; i++)
        {
            var rest = items.Where((_, j) => j != i).ToArray();
            foreach (var tail in Permutations(rest)) yield return new[] { items[i] }.Concat(tail).ToArray();
        }
    }
}
