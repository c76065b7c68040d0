using NodaTime;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// The rule by which a step's cascade leaves a task undecided at once when it is over the step's job budget
/// (<see cref="RunWork.OverJobBudget"/>): only a task the step could never keep, as the step keeps the budget's highest
/// weights, earliest first. <see cref="JobBudgetTests"/> checks the queueing order it must not change, on real storages.
/// </summary>
public sealed class JobBudgetRuleTests
{
    private static readonly PipelineDefinition s_pipeline = WeightedFan.Definition;

    private static long Weight(string taskId) => s_pipeline.PriorityWeightOf(s_pipeline[taskId]);

    private static RunWork Work(int? budget) =>
        new(s_pipeline, "manual__2024-06-07__0", RunState.Running, _ => null, SystemClock.Instance.GetCurrentInstant()) { JobBudget = budget };

    [Fact]
    public void Over_its_budget_a_step_leaves_a_task_undecided_at_once_only_when_every_queued_job_weighs_as_much_or_more()
    {
        // The weights WeightedFan declares: T00 1, T01 3, T02 2, T03 5, T04 3, T08 5.
        Assert.Equal(new long[] { 1, 3, 2, 5, 3, 5 }, new[] { "T00", "T01", "T02", "T03", "T04", "T08" }.Select(Weight));
        var work = Work(budget: 2);

        Assert.False(work.OverJobBudget(Weight("T00")));
        work.Jobs.Add(new PendingJob("T03", 1, null));
        Assert.False(work.OverJobBudget(Weight("T00")));
        work.Jobs.Add(new PendingJob("T01", 1, null));

        // Two jobs, of weights 5 and 3: a task of weight 3 or less is never kept (on a tie the earlier job stays first);
        // one of weight 5 would push T01 out, so it is decided and the step chooses.
        Assert.True(work.OverJobBudget(Weight("T00")));
        Assert.True(work.OverJobBudget(Weight("T04")));
        Assert.False(work.OverJobBudget(Weight("T08")));

        // A job of weight 2 joins (a job a change asked for is kept whatever its weight): now weight 3 may be kept.
        work.Jobs.Add(new PendingJob("T02", 1, null));
        Assert.False(work.OverJobBudget(Weight("T04")));
        Assert.True(work.OverJobBudget(Weight("T00")));

        // A task is listed for the following steps once.
        work.Defer(4);
        work.Defer(4);
        Assert.Equal(new[] { 4 }, work.Deferred);
    }

    [Fact]
    public void Without_a_budget_no_task_is_over_it()
    {
        var work = Work(budget: null);
        foreach (var id in new[] { "T03", "T08", "T14" }) work.Jobs.Add(new PendingJob(id, 1, null));
        Assert.False(work.OverJobBudget(Weight("T00")));
    }
}
