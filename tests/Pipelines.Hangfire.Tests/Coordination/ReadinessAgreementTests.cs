using NodaTime;
using Pipelines.Hangfire.Tests.TestPipelines;
using static Pipelines.Hangfire.Tests.Coordination.RunStatesFor;

namespace Pipelines.Hangfire.Tests.Coordination;

/// <summary>
/// The dashboard's "why is this task (not) running" and the coordinator's decisions agree for every readiness reason:
/// for each, a state where the reason holds the task back, asked of both (the explanation of the same run as people read
/// it, and the cascade, a try's start, or the due time of the job the coordinator schedules).
/// </summary>
public sealed class ReadinessAgreementTests
{
    private static IReadOnlyList<TaskDependency> Explain(RunWork work, string taskId) =>
        TaskExplanation.Explain(work.Pipeline, Run(work), taskId, activeRuns: null, work.Now, work.Pause, work.PreviousRun);

    private static TaskDependency Unmet(IReadOnlyList<TaskDependency> explanation, string name) =>
        Assert.Single(explanation, d => !d.Met && d.Name.StartsWith(name, StringComparison.Ordinal));

    private static bool CascadeQueues(RunWork work, string taskId)
    {
        RunCascade.Decide(work, work.Pipeline[taskId].Index);
        return work[taskId].State == TaskState.Queued;
    }

    [Fact]
    public void The_explanation_and_the_coordinator_agree_on_every_reason()
    {
        // Every reason met: the cascade queues the task and the explanation holds nothing back.
        var ready = Work(Linear.Definition, RunState.Running, Now, Task("Extract", TaskState.Success));
        Assert.DoesNotContain(Explain(ready, "Transform"), d => !d.Met);
        Assert.True(CascadeQueues(ready, "Transform"));
        var queued = ready["Transform"];
        Assert.Null(TryStart.Judge(ready, "Transform", new TryDelivery(queued.TryNumber, "42")));

        // Run is active: a queued run (waiting under MaxActiveRuns) queues nothing and starts nothing, and so does a finished one.
        foreach (var runState in new[] { RunState.Queued, RunState.Failed })
        {
            var waiting = Work(Linear.Definition, runState, Now);
            var unmet = Unmet(Explain(waiting, "Extract"), RunIsActive.Name);
            Assert.False(CascadeQueues(waiting, "Extract"));
            var holding = Work(Linear.Definition, runState, Now, Task("Extract", TaskState.Queued, jobs: "1"));
            Assert.Equal(unmet, TryStart.Judge(holding, "Extract", new TryDelivery(1, "1")));
        }

        // Trigger rule: an upstream task not done (wait) or failed (upstream_failed) holds the task back.
        foreach (var upstream in new[] { TaskState.Running, TaskState.Failed })
        {
            var work = Work(Linear.Definition, RunState.Running, Now, Task("Extract", upstream));
            var unmet = Unmet(Explain(work, "Transform"), "Trigger rule");
            Assert.False(CascadeQueues(work, "Transform"));
            // Failed upstream: the cascade decides upstream_failed with the very sentence the explanation starts with.
            if (upstream == TaskState.Failed) Assert.StartsWith(work["Transform"].Reason!, unmet.Sentence, StringComparison.Ordinal);
        }

        // Retry period: the coordinator schedules the retry's job for exactly the moment the explanation says the period is over.
        var failing = Work(Retries.Definition, RunState.Running, Now, Task("Flaky", TaskState.Running));
        TryOutcome.Apply(failing, Retries.Definition["Flaky"], failing["Flaky"], TryResult.Failed("refused"));
        var retryDue = Now + Assert.Single(failing.Jobs).Delay!.Value;
        Unmet(Explain(Work(Retries.Definition, RunState.Running, retryDue - Duration.FromMilliseconds(1), failing["Flaky"]), "Flaky"), RetryPeriodElapsed.Name);
        Assert.Contains(Explain(Work(Retries.Definition, RunState.Running, retryDue, failing["Flaky"]), "Flaky"), d => d.Name == RetryPeriodElapsed.Name && d.Met);

        // Reschedule wait: likewise for a sensor's next poke.
        var poking = Work(Sensors.Definition, RunState.Running, Now, Task("FileArrived", TaskState.Running) with { FirstPoke = Now });
        TryOutcome.Apply(poking, Sensors.Definition["FileArrived"], poking["FileArrived"], TryResult.Succeeded(TaskOutcome.Sensor(false)));
        var pokeDue = Now + Assert.Single(poking.Jobs).Delay!.Value;
        Unmet(Explain(Work(Sensors.Definition, RunState.Running, pokeDue - Duration.FromMilliseconds(1), poking["FileArrived"]), "FileArrived"), RescheduleWaitElapsed.Name);
        Assert.Contains(Explain(Work(Sensors.Definition, RunState.Running, pokeDue, poking["FileArrived"]), "FileArrived"), d => d.Name == RescheduleWaitElapsed.Name && d.Met);

        // Pipeline not paused: a paused pipeline's undecided task is not queued, and its queued task's job does not start it.
        var paused = PausedWork(Linear.Definition, RunState.Running, Now, Task("Extract", TaskState.Success));
        var pausedUnmet = Unmet(Explain(paused, "Transform"), PipelineNotPaused.Name);
        Assert.False(CascadeQueues(paused, "Transform"));
        var pausedQueued = PausedWork(Linear.Definition, RunState.Running, Now, Task("Extract", TaskState.Queued, jobs: "3"));
        Assert.Equal(Unmet(Explain(pausedQueued, "Extract"), PipelineNotPaused.Name), TryStart.Judge(pausedQueued, "Extract", new TryDelivery(1, "3")));
        Assert.Equal(pausedUnmet.Sentence, TaskReadiness.DecideQueue(ReadinessContext.Of(paused, paused.Pipeline["Transform"].Index)).Reason);

        // Depends on past: while the previous run's Load is failed, this run's Load is not queued, for the reason people read.
        var pastFailed = new PreviousRun("scheduled__2024-03-07", "2024-03-07", new Dictionary<string, string> { ["Load"] = "failed|{}" });
        var dependsOnPast = new RunWork(PastPipelines.DependsOnPast, "scheduled__2024-03-08", RunState.Running, _ => null, Now) { PreviousRun = new Lazy<PreviousRun?>(pastFailed) };
        dependsOnPast.Set(Task("Extract", TaskState.Success));
        var pastUnmet = Unmet(Explain(dependsOnPast, "Load"), PreviousRunTaskDone.Name);
        Assert.Contains("Task Load of the previous run scheduled__2024-03-07 (2024-03-07) is failed", pastUnmet.Sentence, StringComparison.Ordinal);
        Assert.Equal(pastUnmet.Sentence, TaskReadiness.DecideQueue(ReadinessContext.Of(dependsOnPast, dependsOnPast.Pipeline["Load"].Index)).Reason);
        Assert.False(CascadeQueues(dependsOnPast, "Load"));

        // Current try: the job the explanation names is the one a try's start admits; an older one is refused.
        var requeued = Work(Linear.Definition, RunState.Running, Now, Task("Load", TaskState.Queued, tryNumber: 2, jobs: new[] { "7", "9" }));
        var current = Assert.Single(Explain(requeued, "Load"), d => d.Name == IsCurrentTry.Name);
        Assert.True(current.Met);
        Assert.Contains("job #9", current.Sentence, StringComparison.Ordinal);
        Assert.Null(TryStart.Judge(requeued, "Load", new TryDelivery(2, "9")));
        Assert.Equal(IsCurrentTry.Name, TryStart.Judge(requeued, "Load", new TryDelivery(2, "7"))!.Name);
    }

    [Fact]
    public void The_explanation_and_a_tries_start_agree_on_every_slot_limit()
    {
        // Pool slots, MaxActiveTasks, MaxActiveTries: each full in turn, with another run's try holding it. The start
        // (SlotBook.Admit judging TaskReadiness.ToStart under the slot lock) refuses with the very sentence people read.
        var cases = new (string Reason, Slots.TaskLimits Limits, int MaxActiveTasks)[]
        {
            (PoolSlotsAvailable.ReasonName, new Slots.TaskLimits("agreement_pool"), 0),
            (PipelineConcurrency.ReasonName, new Slots.TaskLimits(), 1),
            (TaskConcurrency.ReasonName, new Slots.TaskLimits(MaxActiveTries: 1), 0),
        };
        foreach (var (reason, limits, maxActiveTasks) in cases)
        {
            var storage = Infrastructure.PipelineHost.InMemoryStorage();
            var options = new PipelinesOptions { Pools = new Dictionary<string, int> { ["agreement_pool"] = 1 } };
            var book = new SlotBook(storage, options);
            var pipeline = Slots.SlotDag.Build("agreement", Slots.SlotDag.Independent(1), new Slots.TryRecorder(), 0, task: _ => limits, maxActiveTasks: maxActiveTasks);
            var work = Work(pipeline, RunState.Running, Now, Task("T0", TaskState.Queued, jobs: "5"));
            var context = ReadinessContext.Of(work, 0) with { Delivery = new TryDelivery(1, "5") };
            Assert.Equal(SlotAdmissionKind.Admitted, book.Admit(pipeline, "other_run", pipeline["T0"], 1, Now, usage => TaskReadiness.BlockingStart(context with { Slots = usage })).Kind);

            var admission = book.Admit(pipeline, work.RunId, pipeline["T0"], 1, Now, usage => TaskReadiness.BlockingStart(context with { Slots = usage }));
            IReadOnlyList<SlotUsage> read;
            using (var connection = storage.GetConnection()) read = SlotBook.Read(connection, SlotLimit.Of(pipeline, pipeline["T0"], options), pipeline.Id, work.RunId, "T0", 1);
            var unmet = Unmet(TaskExplanation.Explain(pipeline, Run(work), "T0", activeRuns: null, work.Now, work.Pause, slots: read), reason);

            Assert.Equal(SlotAdmissionKind.Waiting, admission.Kind);
            Assert.Equal(unmet, admission.Blocked);
        }
    }

    [Fact]
    public void The_explanation_lists_no_calendar_check_nothing_enforces()
    {
        var work = Work(Linear.Definition, RunState.Running, Now);
        Assert.DoesNotContain(Explain(work, "Extract"), d => d.Name.StartsWith("Calendar", StringComparison.Ordinal));
    }
}
