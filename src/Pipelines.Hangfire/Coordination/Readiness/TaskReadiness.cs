using System.Collections.Generic;

namespace Pipelines.Hangfire;

/// <summary>
/// Which readiness reasons each decision consults, as Airflow's dependency sets: the cascade queues an undecided task
/// (<see cref="ToQueue"/>), a delivered job starts a try (<see cref="ToStart"/>), and people see every reason that
/// applies (<see cref="All"/>). The retry and reschedule waits are kept by the due time of the try's scheduled job,
/// which the coordinator takes from the same reasons, not checked again at the start: a job the reconciler re-enqueues
/// may start its try early rather than never.
/// </summary>
internal static class TaskReadiness
{
    /// <summary>Consulted before the trigger rule when the cascade decides an undecided task.</summary>
    public static readonly IReadOnlyList<IReadinessReason> ToQueue = new IReadinessReason[] { RunIsActive.Instance, PipelineNotPaused.Instance };

    /// <summary>
    /// Consulted when the trigger rule says run, before the cascade queues the task: reasons that hold back a task the
    /// rule would run but never keep it from being skipped or upstream_failed (Airflow evaluates every dependency, so an
    /// upstream failure fails the task whatever the previous run did).
    /// </summary>
    public static readonly IReadOnlyList<IReadinessReason> ToRun = new IReadinessReason[] { PreviousRunTaskDone.Instance };

    /// <summary>
    /// Consulted when a delivered job would start a try. The slot reasons judge only once the start has read the limits
    /// under the slot lock (<see cref="SlotBook.Admit"/>).
    /// </summary>
    public static readonly IReadOnlyList<IReadinessReason> ToStart = new IReadinessReason[]
    {
        RunIsActive.Instance, IsCurrentTry.Instance, PipelineNotPaused.Instance, PoolSlotsAvailable.Instance, PipelineConcurrency.Instance, TaskConcurrency.Instance,
    };

    /// <summary>Every reason, in the order people read them.</summary>
    public static readonly IReadOnlyList<IReadinessReason> All = new IReadinessReason[]
    {
        RunIsActive.Instance, PipelineNotPaused.Instance, TriggerRuleSatisfied.Instance, PreviousRunTaskDone.Instance, RetryPeriodElapsed.Instance, RescheduleWaitElapsed.Instance, IsCurrentTry.Instance,
        PoolSlotsAvailable.Instance, PipelineConcurrency.Instance, TaskConcurrency.Instance,
    };

    /// <summary>
    /// What the cascade does with an undecided task: wait while a reason before the trigger rule is not met, otherwise
    /// what the trigger rule decides, unless it says run and a reason of <see cref="ToRun"/> is not met.
    /// </summary>
    public static QueueDecision DecideQueue(ReadinessContext context)
    {
        foreach (var reason in ToQueue)
            if (reason.Evaluate(context) is { Met: false } unmet) return new QueueDecision(TriggerDecision.Wait, unmet.Sentence);
        var up = TriggerRuleSatisfied.Upstream(context);
        var decision = TriggerRuleEvaluator.Decide(context.Task.Trigger, up);
        if (decision == TriggerDecision.Run)
            foreach (var reason in ToRun)
                if (reason.Evaluate(context) is { Met: false } unmet) return new QueueDecision(TriggerDecision.Wait, unmet.Sentence);
        return new QueueDecision(decision, context.Task.Trigger, up);
    }

    /// <summary>The first reason that keeps a delivered job from starting its try, or null when it may start.</summary>
    public static TaskDependency? BlockingStart(ReadinessContext context)
    {
        foreach (var reason in ToStart)
            if (reason.Evaluate(context) is { Met: false } unmet) return unmet;
        return null;
    }

    /// <summary>
    /// When a task waiting for a try may start it: the retry or poke due time (<see cref="RetryPeriodElapsed"/>,
    /// <see cref="RescheduleWaitElapsed"/>), or <paramref name="now"/> for a task queued to start at once. A job made
    /// again for the task (the reconciler's) is due then, like the one it replaces.
    /// </summary>
    public static NodaTime.Instant StartDue(TaskDefinition definition, TaskInstance task, NodaTime.Instant now) => task.State switch
    {
        TaskState.UpForRetry => RetryPeriodElapsed.DueAt(definition, task, now),
        TaskState.UpForReschedule when definition.Sensor is { } sensor => RescheduleWaitElapsed.DueAt(sensor, task, now),
        _ => now,
    };

    /// <summary>Every reason that applies to the task, met or not.</summary>
    public static IReadOnlyList<TaskDependency> Explain(ReadinessContext context)
    {
        var result = new List<TaskDependency>(All.Count);
        foreach (var reason in All)
            if (reason.Evaluate(context) is { } dependency) result.Add(dependency);
        return result;
    }
}
