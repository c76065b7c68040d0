using NodaTime;
using Pipelines.Hangfire.Tests.TestPipelines;
using static Pipelines.Hangfire.Tests.Coordination.RunStatesFor;

namespace Pipelines.Hangfire.Tests.Coordination;

/// <summary>How a try's end moves its task and its neighbours, one outcome type at a time, without a server.</summary>
public sealed class TryOutcomeTests
{
    [Fact]
    public void A_failed_try_with_retries_left_is_up_for_retry_with_its_next_job_due_after_the_delay()
    {
        var running = Task("Flaky", TaskState.Running, tryNumber: 2, start: Now - Duration.FromSeconds(1));
        var work = Work(Retries.Definition, RunState.Running, Now, running);

        RetryOutcome.Apply(work, Retries.Definition["Flaky"], running, "IOException: refused");

        var task = work["Flaky"];
        Assert.Equal(TaskState.UpForRetry, task.State);
        Assert.Equal(3, task.TryNumber);
        Assert.Equal(Now, task.End);
        Assert.Equal("Try 2 failed: IOException: refused. Retry 2 of 3 at 2024-03-08T09:00:00.6Z.", task.Reason);
        Assert.Equal(new PendingJob("Flaky", 3, Duration.FromMilliseconds(600)), Assert.Single(work.Jobs));
        Assert.Equal(PipelineEventKind.TaskRetry, Assert.Single(work.Events).Kind);
    }

    [Fact]
    public void A_failed_last_try_fails_the_task()
    {
        var running = Task("Flaky", TaskState.Running, tryNumber: 4);
        var work = Work(Retries.Definition, RunState.Running, Now, running);

        RetryOutcome.Apply(work, Retries.Definition["Flaky"], running, "IOException: refused");

        Assert.Equal(TaskState.Failed, work["Flaky"].State);
        Assert.Equal("Failed on try 4, the last of 4: IOException: refused.", work["Flaky"].Reason);
        Assert.Empty(work.Jobs);
    }

    [Fact]
    public void An_unsatisfied_sensor_is_poked_again_after_its_interval_until_its_timeout()
    {
        var poking = Task("FileArrived", TaskState.Running, start: Now - Duration.FromSeconds(1)) with { FirstPoke = Now - Duration.FromSeconds(10) };
        var work = Work(Sensors.Definition, RunState.Running, Now, poking);
        SensorOutcome.Apply(work, Sensors.Definition["FileArrived"], poking);
        Assert.Equal(TaskState.UpForReschedule, work["FileArrived"].State);
        Assert.Equal(Now - Duration.FromSeconds(10), work["FileArrived"].FirstPoke);
        Assert.Equal(new PendingJob("FileArrived", 1, Duration.FromMilliseconds(300)), Assert.Single(work.Jobs));

        var late = poking with { FirstPoke = Now - Duration.FromMinutes(2) };
        var timedOut = Work(Sensors.Definition, RunState.Running, Now, late);
        SensorOutcome.Apply(timedOut, Sensors.Definition["FileArrived"], late);
        Assert.Equal(TaskState.Failed, timedOut["FileArrived"].State);
        Assert.Equal("Sensor timed out: not satisfied after waiting 0:02:00 (timeout 0:01:00).", timedOut["FileArrived"].Reason);
        Assert.Empty(timedOut.Jobs);
    }

    [Fact]
    public void A_false_condition_succeeds_and_skips_everything_downstream()
    {
        var running = Task("IsMarketDay", TaskState.Running);
        var work = Work(LunchBot.Definition, RunState.Running, Now, running);

        TryOutcome.Apply(work, LunchBot.Definition["IsMarketDay"], running, TryResult.Succeeded(TaskOutcome.Condition(false)));

        Assert.Equal(TaskState.Success, work["IsMarketDay"].State);
        Assert.All(LunchBot.Definition.Tasks.Where(t => t.Id != "IsMarketDay"), t => Assert.Equal(TaskState.Skipped, work[t.Id].State));
    }

    [Fact]
    public void A_branch_skips_the_targets_it_did_not_choose_and_fails_on_a_task_that_is_not_a_target()
    {
        var running = Task("IsCompanyMeeting", TaskState.Running);
        var work = Work(LunchBot.Definition, RunState.Running, Now, running);
        Assert.True(BranchOutcome.Apply(work, LunchBot.Definition["IsCompanyMeeting"], running, TaskOutcome.Branch("PostLunchReminder")));
        Assert.Equal(TaskState.Skipped, work["PostMeetingNotice"].State);
        Assert.Equal(TaskState.None, work["PostLunchReminder"].State);
        Assert.Equal(TaskState.None, work["Done"].State); // follows its trigger rule

        var wrong = Work(LunchBot.Definition, RunState.Running, Now, running);
        Assert.False(BranchOutcome.Apply(wrong, LunchBot.Definition["IsCompanyMeeting"], running, TaskOutcome.Branch("Done")));
        Assert.Equal(TaskState.Failed, wrong["IsCompanyMeeting"].State);
    }

    [Fact]
    public void A_try_cleared_while_it_ran_has_its_result_discarded_and_gets_its_whole_retry_budget_again()
    {
        var running = Task("Flaky", TaskState.Running, tryNumber: 2) with { ClearRequested = true };
        var work = Work(Retries.Definition, RunState.Running, Now, running);

        TryOutcome.Apply(work, Retries.Definition["Flaky"], running, TryResult.Failed("boom"));

        Assert.Equal(TaskState.None, work["Flaky"].State);
        Assert.Equal(3, work["Flaky"].FirstTry);
        Assert.Empty(work.Jobs);
        Assert.Empty(work.Events);
    }
}
