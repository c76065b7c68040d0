using Pipelines.Hangfire.Tests.TestPipelines;
using static Pipelines.Hangfire.Tests.Coordination.RunStatesFor;

namespace Pipelines.Hangfire.Tests.Coordination;

/// <summary>
/// A downstream's trigger rule over a mapped upstream counts every instance, as Airflow's trigger_rule_dep.py counts each
/// expanded task instance (<c>upstream = sum(count)</c> over the upstream's task instances). Expected decisions are
/// Airflow's for the same upstream states; here Report (directly downstream of Load) is judged with each rule.
/// </summary>
public sealed class MappedTriggerRuleTests
{
    private static TriggerEvaluation Judge(TriggerRule rule, params TaskState[] instances)
    {
        var work = Work(Mapped.Definition, RunState.Running, Now,
            Task("ListVendorFiles", TaskState.Success),
            Task("Load", TaskState.Running) with { MapLength = instances.Length });
        for (var i = 0; i < instances.Length; i++) work.Set(Task($"Load[{i}]", instances[i]));
        var report = Mapped.Definition["Report"];
        var judged = ReadinessContext.Of(work, report.Index);
        var withRule = new TaskDefinition { Index = report.Index, Id = report.Id, Upstream = report.Upstream, Downstream = report.Downstream, Trigger = rule };
        return TriggerRuleSatisfied.Judge(new ReadinessContext(Mapped.Definition, withRule, RunState.Running, work.StateOf, work.Get, Now) { MapSummaryOf = judged.MapSummaryOf });
    }

    [Theory]
    [InlineData(TriggerRule.AllSuccess, TriggerDecision.UpstreamFailed)]
    [InlineData(TriggerRule.AllDone, TriggerDecision.Run)]
    [InlineData(TriggerRule.AllDoneMinOneSuccess, TriggerDecision.Run)]
    [InlineData(TriggerRule.OneFailed, TriggerDecision.Run)]
    [InlineData(TriggerRule.OneSuccess, TriggerDecision.Run)]
    [InlineData(TriggerRule.OneDone, TriggerDecision.Run)]
    [InlineData(TriggerRule.NoneFailed, TriggerDecision.UpstreamFailed)]
    [InlineData(TriggerRule.NoneFailedMinOneSuccess, TriggerDecision.UpstreamFailed)]
    [InlineData(TriggerRule.NoneSkipped, TriggerDecision.Run)]
    [InlineData(TriggerRule.AllFailed, TriggerDecision.Skip)]
    [InlineData(TriggerRule.AllSkipped, TriggerDecision.Skip)]
    public void One_failed_instance_of_three_counts_as_one_failed_upstream_of_three(TriggerRule rule, TriggerDecision expected)
    {
        var evaluation = Judge(rule, TaskState.Success, TaskState.Failed, TaskState.Success);
        Assert.Equal(expected, evaluation.Decision);
        if (rule != TriggerRule.Always) Assert.Contains("of 3 upstream tasks, 2 succeeded, 1 failed", evaluation.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(TriggerRule.AllSuccess, TriggerDecision.Wait)]
    [InlineData(TriggerRule.AllDone, TriggerDecision.Wait)]
    [InlineData(TriggerRule.OneSuccess, TriggerDecision.Run)]
    [InlineData(TriggerRule.OneFailed, TriggerDecision.Wait)]
    public void An_instance_still_running_keeps_rules_that_need_every_instance_waiting(TriggerRule rule, TriggerDecision expected) =>
        Assert.Equal(expected, Judge(rule, TaskState.Success, TaskState.Running, TaskState.Success).Decision);

    [Fact]
    public void Every_instance_failed_runs_an_all_failed_downstream() =>
        Assert.Equal(TriggerDecision.Run, Judge(TriggerRule.AllFailed, TaskState.Failed, TaskState.Failed).Decision);

    [Fact]
    public void Before_it_expands_a_mapped_upstream_counts_once_as_not_done()
    {
        var work = Work(Mapped.Definition, RunState.Running, Now, Task("ListVendorFiles", TaskState.Success));
        var evaluation = TriggerRuleSatisfied.Judge(ReadinessContext.Of(work, Mapped.Definition["Report"].Index));
        Assert.Equal(TriggerDecision.Wait, evaluation.Decision);
        Assert.Contains("of 1 upstream task, 1 not done", evaluation.Reason, StringComparison.Ordinal);
    }
}
