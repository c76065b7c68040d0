using System;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// What a readiness reason is judged on: one task of one run, the states of the run's tasks, and the moment. The
/// coordinator builds it from the run it holds under its lock (<see cref="RunWork"/>), the dashboard and the command line
/// from a run they read (<see cref="PipelineRun"/>), so each reason is judged by the same code everywhere.
/// </summary>
internal sealed record ReadinessContext
{
    private readonly Func<int, TaskState> _stateOf;
    private readonly Func<int, TaskInstance> _instanceOf;

    public ReadinessContext(PipelineDefinition pipeline, TaskDefinition task, RunState runState, Func<int, TaskState> stateOf, Func<int, TaskInstance> instanceOf, Instant now)
    {
        Pipeline = pipeline;
        Task = task;
        RunState = runState;
        _stateOf = stateOf;
        _instanceOf = instanceOf;
        Now = now;
    }

    /// <summary>The task at <paramref name="taskIndex"/> in the run a coordination step holds.</summary>
    public static ReadinessContext Of(RunWork work, int taskIndex) =>
        new(work.Pipeline, work.Pipeline.Tasks[taskIndex], work.RunState, work.StateOf, work.Get, work.Now) { Pause = work.Pause, PreviousRun = work.PreviousRun };

    /// <summary>The task of <paramref name="taskId"/> in a run read for people.</summary>
    public static ReadinessContext Of(PipelineDefinition pipeline, PipelineRun run, string taskId, Instant now)
    {
        var byIndex = new TaskInstance[pipeline.Tasks.Length];
        foreach (var task in pipeline.Tasks) byIndex[task.Index] = run[task.Id];
        return new ReadinessContext(pipeline, pipeline[taskId], run.State, i => byIndex[i].State, i => byIndex[i], now);
    }

    public PipelineDefinition Pipeline { get; }

    /// <summary>The task whose readiness is judged.</summary>
    public TaskDefinition Task { get; }

    public RunState RunState { get; }

    public Instant Now { get; }

    /// <summary>The task's instance (parsed when a reason needs more than its state).</summary>
    public TaskInstance Instance => _instanceOf(Task.Index);

    /// <summary>The state of the task at <paramref name="index"/> in the pipeline's topological order.</summary>
    public TaskState StateOf(int index) => _stateOf(index);

    /// <summary>The job delivered to start a try, when a try's start is judged; null for the scheduler and for people.</summary>
    public TryDelivery? Delivery { get; init; }

    /// <summary>Whether the pipeline is paused, as the step or the reader found it in storage.</summary>
    public PipelinePause Pause { get; init; }

    /// <summary>
    /// How the task's slot limits stand for its current try (pools, MaxActiveTasks, MaxActiveTries), when read: the
    /// slot reasons (<see cref="SlotLimitReason"/>) judge nothing without it.
    /// </summary>
    public System.Collections.Generic.IReadOnlyList<SlotUsage>? Slots { get; init; }

    /// <summary>How many runs of the pipeline are active, when known: only for the sentence, never for the decision.</summary>
    public int? ActiveRuns { get; init; }

    /// <summary>
    /// The run before this one (<see cref="RunOrder"/>), looked up on first use by the step or reader that built the
    /// context, and only for a pipeline with a task that depends on past; its value is null when there is none. Null
    /// when not looked up: <see cref="PreviousRunTaskDone"/> then says nothing.
    /// </summary>
    public Lazy<PreviousRun?>? PreviousRun { get; init; }
}

/// <summary>A Hangfire job delivered to start try <paramref name="TryNumber"/> of a task (its id null when run without Hangfire).</summary>
internal readonly record struct TryDelivery(int TryNumber, string? JobId);
