using Pipelines.Hangfire.Tests.TestPipelines;
using static Pipelines.Hangfire.Tests.Coordination.RunStatesFor;

namespace Pipelines.Hangfire.Tests.Coordination;

/// <summary>
/// Depends on past on its own, with the expected results taken from Airflow's <c>PrevDagrunDep</c>: the first run runs;
/// the previous run's instance must be success or skipped; with wait_for_downstream its direct downstream too; a failed
/// upstream still fails the task (every dependency is evaluated, the trigger rule's upstream_failed included).
/// </summary>
public sealed class PreviousRunTaskDoneTests
{
    private const string PreviousId = "scheduled__2024-03-07";

    /// <summary>The run of 2024-03-08 after a run whose tasks are <paramref name="previous"/> (task id → state; null: no previous run).</summary>
    private static RunWork After(PipelineDefinition pipeline, Dictionary<string, TaskState>? previous, params TaskInstance[] tasks)
    {
        var run = previous is null
            ? null
            : new PreviousRun(PreviousId, "2024-03-07", previous.ToDictionary(p => p.Key, p => p.Value.Name() + "|{}"));
        var work = new RunWork(pipeline, "scheduled__2024-03-08", RunState.Running, _ => null, Now) { PreviousRun = new Lazy<PreviousRun?>(run) };
        foreach (var task in tasks) work.Set(task);
        return work;
    }

    private static ReadinessContext Context(RunWork work, string taskId) => ReadinessContext.Of(work, work.Pipeline[taskId].Index);

    private static TaskDependency? Judge(RunWork work, string taskId) => PreviousRunTaskDone.Instance.Evaluate(Context(work, taskId));

    private static Dictionary<string, TaskState> Previous(params (string Task, TaskState State)[] states) => states.ToDictionary(s => s.Task, s => s.State);

    [Fact]
    public void The_first_run_runs()
    {
        var work = After(PastPipelines.DependsOnPast, previous: null, Task("Extract", TaskState.Success));
        var dependency = Judge(work, "Load")!;
        Assert.True(dependency.Met);
        Assert.Equal("Task Load has no previous run to wait for (this is the pipeline's first run); it runs.", dependency.Sentence);
        Assert.Equal(TriggerDecision.Run, TaskReadiness.DecideQueue(Context(work, "Load")).Decision);
    }

    [Fact]
    public void A_failed_previous_instance_holds_the_task_and_says_how_to_release_it()
    {
        var work = After(PastPipelines.DependsOnPast, Previous(("Extract", TaskState.Success), ("Load", TaskState.Failed), ("Publish", TaskState.UpstreamFailed)), Task("Extract", TaskState.Success));
        var dependency = Judge(work, "Load")!;
        Assert.False(dependency.Met);
        Assert.Equal(PreviousRunTaskDone.Name, dependency.Name);
        Assert.Equal("Task Load of the previous run scheduled__2024-03-07 (2024-03-07) is failed; it must succeed or be skipped (clear or mark it) before this run's Load is queued.", dependency.Sentence);
        var decision = TaskReadiness.DecideQueue(Context(work, "Load"));
        Assert.Equal(TriggerDecision.Wait, decision.Decision);
        Assert.Equal(dependency.Sentence, decision.Reason);
    }

    [Theory]
    [InlineData(TaskState.Running, false)]
    [InlineData(TaskState.Queued, false)]
    [InlineData(TaskState.None, false)]
    [InlineData(TaskState.UpForRetry, false)]
    [InlineData(TaskState.UpstreamFailed, false)]
    [InlineData(TaskState.Success, true)]
    [InlineData(TaskState.Skipped, true)]
    public void Only_a_previous_instance_that_succeeded_or_was_skipped_lets_the_task_run(TaskState previous, bool met)
    {
        var work = After(PastPipelines.DependsOnPast, Previous(("Load", previous)), Task("Extract", TaskState.Success));
        Assert.Equal(met, Judge(work, "Load")!.Met);
        Assert.Equal(met ? TriggerDecision.Run : TriggerDecision.Wait, TaskReadiness.DecideQueue(Context(work, "Load")).Decision);
    }

    [Fact]
    public void A_previous_run_without_a_record_of_the_task_lets_it_run()
    {
        var work = After(PastPipelines.DependsOnPast, Previous(("Extract", TaskState.Success)), Task("Extract", TaskState.Success));
        var dependency = Judge(work, "Load")!;
        Assert.True(dependency.Met);
        Assert.Equal("The previous run scheduled__2024-03-07 (2024-03-07) has no record of task Load (the task is newer than that run); it runs.", dependency.Sentence);
    }

    [Fact]
    public void An_upstream_failure_fails_the_task_whatever_the_previous_run_did()
    {
        var work = After(PastPipelines.DependsOnPast, Previous(("Load", TaskState.Failed)), Task("Extract", TaskState.Failed));
        Assert.Equal(TriggerDecision.UpstreamFailed, TaskReadiness.DecideQueue(Context(work, "Load")).Decision);
    }

    [Fact]
    public void Wait_for_downstream_holds_until_the_previous_instances_direct_downstream_is_done()
    {
        var running = After(PastPipelines.WaitForDownstream, Previous(("Load", TaskState.Success), ("Publish", TaskState.Running)), Task("Extract", TaskState.Success));
        var held = Judge(running, "Load")!;
        Assert.False(held.Met);
        Assert.Equal("Wait for downstream: task Load of the previous run scheduled__2024-03-07 (2024-03-07) is success, but its downstream is not done (Publish running); each must succeed or be skipped before this run's Load is queued.", held.Sentence);
        Assert.Equal(TriggerDecision.Wait, TaskReadiness.DecideQueue(Context(running, "Load")).Decision);

        foreach (var done in new[] { TaskState.Success, TaskState.Skipped })
        {
            var work = After(PastPipelines.WaitForDownstream, Previous(("Load", TaskState.Success), ("Publish", done)), Task("Extract", TaskState.Success));
            Assert.True(Judge(work, "Load")!.Met);
            Assert.Equal(TriggerDecision.Run, TaskReadiness.DecideQueue(Context(work, "Load")).Decision);
        }

        // Without wait_for_downstream the previous Publish does not matter.
        var plain = After(PastPipelines.DependsOnPast, Previous(("Load", TaskState.Success), ("Publish", TaskState.Failed)), Task("Extract", TaskState.Success));
        Assert.True(Judge(plain, "Load")!.Met);
    }

    [Fact]
    public void It_says_nothing_of_tasks_that_do_not_depend_on_past_are_already_queued_or_whose_previous_run_was_not_looked_up()
    {
        var work = After(PastPipelines.DependsOnPast, Previous(("Load", TaskState.Failed), ("Extract", TaskState.Failed)), Task("Extract", TaskState.Success), Task("Load", TaskState.Queued));
        Assert.Null(Judge(work, "Extract"));
        Assert.Null(Judge(work, "Load"));
        Assert.Null(PreviousRunTaskDone.Instance.Evaluate(Context(Work(PastPipelines.DependsOnPast, RunState.Running, Now), "Load")));
        Assert.Null(PreviousRunTaskDone.Instance.Evaluate(Context(Work(Linear.Definition, RunState.Running, Now), "Load")));
    }

    [Fact]
    public void Only_a_pipeline_with_a_task_that_depends_on_past_looks_at_the_previous_run_or_releases_the_next()
    {
        Assert.False(PastDependence.Of(Linear.Definition).Any);
        Assert.True(PastDependence.Of(PastPipelines.DependsOnPast).Any);

        // The next run waits for Load (depends on past) and, with wait_for_downstream, for Publish; Extract never matters.
        Assert.True(PastDependence.Of(PastPipelines.DependsOnPast).MayRelease(Work(PastPipelines.DependsOnPast, RunState.Running, Now, Task("Load", TaskState.Success))));
        Assert.True(PastDependence.Of(PastPipelines.DependsOnPast).MayRelease(Work(PastPipelines.DependsOnPast, RunState.Running, Now, Task("Load", TaskState.Skipped))));
        Assert.False(PastDependence.Of(PastPipelines.DependsOnPast).MayRelease(Work(PastPipelines.DependsOnPast, RunState.Running, Now, Task("Load", TaskState.Failed))));
        Assert.False(PastDependence.Of(PastPipelines.DependsOnPast).MayRelease(Work(PastPipelines.DependsOnPast, RunState.Running, Now, Task("Publish", TaskState.Success), Task("Extract", TaskState.Success))));
        Assert.True(PastDependence.Of(PastPipelines.WaitForDownstream).MayRelease(Work(PastPipelines.WaitForDownstream, RunState.Running, Now, Task("Publish", TaskState.Success))));
        Assert.False(PastDependence.Of(Linear.Definition).MayRelease(Work(Linear.Definition, RunState.Running, Now, Task("Load", TaskState.Success))));
    }
}
