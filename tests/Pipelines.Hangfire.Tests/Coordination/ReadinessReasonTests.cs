using NodaTime;
using Pipelines.Hangfire.Tests.TestPipelines;
using static Pipelines.Hangfire.Tests.Coordination.RunStatesFor;

namespace Pipelines.Hangfire.Tests.Coordination;

/// <summary>Each readiness reason on its own, from states built in memory.</summary>
public sealed class ReadinessReasonTests
{
    private static ReadinessContext Context(RunWork work, string taskId) => ReadinessContext.Of(work, work.Pipeline[taskId].Index);

    [Fact]
    public void A_task_moves_on_only_in_a_running_run()
    {
        var running = RunIsActive.Instance.Evaluate(Context(Work(Linear.Definition, RunState.Running, Now), "Extract"));
        var queued = RunIsActive.Instance.Evaluate(Context(Work(Linear.Definition, RunState.Queued, Now), "Extract") with { ActiveRuns = 1 });
        var ended = RunIsActive.Instance.Evaluate(Context(Work(Linear.Definition, RunState.Failed, Now), "Extract"));

        Assert.True(running.Met);
        Assert.False(queued.Met);
        Assert.Equal("The run waits for a free slot: pipeline 'linear' allows 16 active run(s) and has 1; waiting runs start oldest first as active ones finish.", queued.Sentence);
        Assert.False(ended.Met);
        Assert.Equal("The run has ended (failed); clear the task to run it again.", ended.Sentence);
    }

    [Fact]
    public void A_paused_pipeline_holds_back_tasks_that_have_not_started_and_lets_running_ones_finish()
    {
        var paused = PausedWork(Linear.Definition, RunState.Running, Now, Task("Extract", TaskState.Running), Task("Transform", TaskState.Queued));
        var active = Work(Linear.Definition, RunState.Running, Now, Task("Transform", TaskState.Queued));

        var held = PipelineNotPaused.Instance.Evaluate(Context(paused, "Transform"))!;
        Assert.False(held.Met);
        Assert.Equal("Pipeline 'linear' is paused since 2024-03-08T08:00:00Z: it starts no new tasks until it is unpaused (unpause linear).", held.Sentence);
        Assert.False(PipelineNotPaused.Instance.Evaluate(Context(paused, "Load"))!.Met);
        Assert.Null(PipelineNotPaused.Instance.Evaluate(Context(paused, "Extract")));
        Assert.True(PipelineNotPaused.Instance.Evaluate(Context(active, "Transform"))!.Met);
        Assert.Equal(TriggerDecision.Wait, TaskReadiness.DecideQueue(Context(PausedWork(Linear.Definition, RunState.Running, Now), "Extract")).Decision);
    }

    [Fact]
    public void The_trigger_rule_is_judged_on_the_upstream_states_and_names_them()
    {
        var work = Work(Linear.Definition, RunState.Running, Now, Task("Extract", TaskState.Success), Task("Transform", TaskState.Failed));
        var dependency = TriggerRuleSatisfied.Instance.Evaluate(Context(work, "Load"));

        Assert.Equal(TriggerDecision.UpstreamFailed, TriggerRuleSatisfied.Judge(Context(work, "Load")).Decision);
        Assert.False(dependency.Met);
        Assert.Equal("Trigger rule (all_success)", dependency.Name);
        Assert.Equal("Upstream failed: trigger rule all_success can no longer be met; of 1 upstream task, 1 failed. Upstream: Transform failed.", dependency.Sentence);
        Assert.True(TriggerRuleSatisfied.Instance.Evaluate(Context(work, "Extract")).Met);
    }

    [Fact]
    public void A_task_up_for_retry_waits_for_the_delay_after_the_try_that_failed()
    {
        // Flaky retries after 0.3 s, doubling: try 3 comes 0.6 s after try 2 ended.
        var failedAt = Now;
        var upForRetry = Task("Flaky", TaskState.UpForRetry, tryNumber: 3, end: failedAt);
        Assert.Equal(failedAt + Duration.FromMilliseconds(600), RetryPeriodElapsed.DueAt(Retries.Definition["Flaky"], upForRetry, Now));

        var early = RetryPeriodElapsed.Instance.Evaluate(Context(Work(Retries.Definition, RunState.Running, failedAt + Duration.FromMilliseconds(599), upForRetry), "Flaky"));
        var due = RetryPeriodElapsed.Instance.Evaluate(Context(Work(Retries.Definition, RunState.Running, failedAt + Duration.FromMilliseconds(600), upForRetry), "Flaky"));
        Assert.False(early!.Met);
        Assert.Equal("Waiting for the retry delay: try 3 (3 of 4) is due at 2024-03-08T09:00:00.6Z.", early.Sentence);
        Assert.True(due!.Met);
        Assert.Null(RetryPeriodElapsed.Instance.Evaluate(Context(Work(Retries.Definition, RunState.Running, Now, Task("Flaky", TaskState.Queued)), "Flaky")));
    }

    [Fact]
    public void A_sensor_up_for_reschedule_waits_for_its_poke_interval()
    {
        var rescheduled = Task("FileArrived", TaskState.UpForReschedule, end: Now) with { FirstPoke = Now - Duration.FromSeconds(10) };
        var early = RescheduleWaitElapsed.Instance.Evaluate(Context(Work(Sensors.Definition, RunState.Running, Now + Duration.FromMilliseconds(299), rescheduled), "FileArrived"));
        var due = RescheduleWaitElapsed.Instance.Evaluate(Context(Work(Sensors.Definition, RunState.Running, Now + Duration.FromMilliseconds(300), rescheduled), "FileArrived"));

        Assert.False(early!.Met);
        Assert.StartsWith("The sensor is not satisfied yet; it is poked every 00:00:00.3000000, next at 2024-03-08T09:00:00.3Z.", early.Sentence, StringComparison.Ordinal);
        Assert.True(due!.Met);
        Assert.Null(RescheduleWaitElapsed.Instance.Evaluate(Context(Work(Sensors.Definition, RunState.Running, Now, Task("FileArrived", TaskState.Running)), "FileArrived")));
        Assert.Null(RescheduleWaitElapsed.Instance.Evaluate(Context(Work(Linear.Definition, RunState.Running, Now, Task("Extract", TaskState.UpForReschedule)), "Extract")));
    }

    [Fact]
    public void Only_the_newest_job_of_the_current_try_may_start_it()
    {
        var work = Work(Linear.Definition, RunState.Running, Now, Task("Load", TaskState.Queued, tryNumber: 2, jobs: new[] { "7", "9" }));
        TaskDependency? Start(int tryNumber, string? job) => IsCurrentTry.Instance.Evaluate(Context(work, "Load") with { Delivery = new TryDelivery(tryNumber, job) });

        Assert.True(Start(2, "9")!.Met);
        Assert.True(Start(2, null)!.Met); // run without Hangfire
        Assert.Equal("Job #7 is not the newest job of try 2 (job #9 is).", Start(2, "7")!.Sentence);
        Assert.Equal("Job #9 is for try 1, but the task is queued on try 2.", Start(1, "9")!.Sentence);
        Assert.Equal("Try 2 starts with job #9; any older job of the task does nothing.", IsCurrentTry.Instance.Evaluate(Context(work, "Load"))!.Sentence);

        var running = Work(Linear.Definition, RunState.Running, Now, Task("Load", TaskState.Running, tryNumber: 2, jobs: new[] { "9" }));
        Assert.True(IsCurrentTry.Instance.Evaluate(Context(running, "Load") with { Delivery = new TryDelivery(2, "9") })!.Met); // delivered again: liveness decides
        var done = Work(Linear.Definition, RunState.Running, Now, Task("Load", TaskState.Success, tryNumber: 2, jobs: new[] { "9" }));
        Assert.False(IsCurrentTry.Instance.Evaluate(Context(done, "Load") with { Delivery = new TryDelivery(2, "9") })!.Met);
        Assert.Null(IsCurrentTry.Instance.Evaluate(Context(Work(Linear.Definition, RunState.Running, Now), "Load")));
    }

    /// <summary>
    /// A step deciding reads only the reasons not met, so a met one answers it without a sentence; the same reason met
    /// for people (every context not made from a step's work) says why.
    /// </summary>
    [Fact]
    public void A_reason_met_answers_a_step_deciding_without_a_sentence_and_people_with_one()
    {
        var work = Work(Linear.Definition, RunState.Running, Now, Task("Load", TaskState.Queued, tryNumber: 2, jobs: new[] { "9" }));
        var deciding = Context(work, "Load") with { Delivery = new TryDelivery(2, "9") };
        var forPeople = deciding with { Deciding = false };

        Assert.True(deciding.Deciding);
        foreach (IReadinessReason reason in new IReadinessReason[] { RunIsActive.Instance, PipelineNotPaused.Instance, IsCurrentTry.Instance })
        {
            var decided = reason.Evaluate(deciding)!;
            Assert.True(decided.Met);
            Assert.Same(ReadinessContext.MetWithoutSentence(decided.Name), decided);
            Assert.Equal(decided.Name, reason.Evaluate(forPeople)!.Name);
        }
        Assert.Equal("The run is running (MaxActiveRuns = 16).", RunIsActive.Instance.Evaluate(forPeople).Sentence);
        Assert.Equal("Pipeline 'linear' is not paused.", PipelineNotPaused.Instance.Evaluate(forPeople)!.Sentence);
        Assert.Equal("Job #9 is the newest job of try 2.", IsCurrentTry.Instance.Evaluate(forPeople)!.Sentence);
        // Not met, a step deciding gets the sentence it writes into the task's reason.
        Assert.Equal("Job #7 is not the newest job of try 2 (job #9 is).", IsCurrentTry.Instance.Evaluate(deciding with { Delivery = new TryDelivery(2, "7") })!.Sentence);
    }

    [Fact]
    public void A_waiting_task_may_start_when_its_retry_or_poke_is_due_and_a_queued_one_at_once()
    {
        var flaky = Retries.Definition["Flaky"];
        Assert.Equal(Now + Duration.FromMilliseconds(300), TaskReadiness.StartDue(flaky, Task("Flaky", TaskState.UpForRetry, tryNumber: 2, end: Now), Now - Duration.FromSeconds(5)));
        Assert.Equal(Now + Duration.FromMilliseconds(300), TaskReadiness.StartDue(Sensors.Definition["FileArrived"], Task("FileArrived", TaskState.UpForReschedule, end: Now), Now));
        Assert.Equal(Now, TaskReadiness.StartDue(flaky, Task("Flaky", TaskState.Queued), Now));
    }

    [Fact]
    public void Admission_lets_a_run_in_while_fewer_than_max_active_runs_are_active()
    {
        Assert.True(RunAdmission.HasFreeSlot(0, 1));
        Assert.True(RunAdmission.HasFreeSlot(2, 3));
        Assert.False(RunAdmission.HasFreeSlot(1, 1));
        Assert.False(RunAdmission.HasFreeSlot(4, 3));
    }
}
