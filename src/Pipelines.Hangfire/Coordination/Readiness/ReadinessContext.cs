using System;
using System.Linq;
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
    public static ReadinessContext Of(RunWork work, int taskIndex) => Of(work, taskIndex, null, null);

    private static ReadinessContext Of(RunWork work, int taskIndex, TaskInstance? mappedInstance, TryDelivery? delivery) =>
        new(work.Pipeline, work.Pipeline.Tasks[taskIndex], work.RunState, work.Readers.StateOf, work.Readers.InstanceOf, work.Now)
        {
            Deciding = true,
            Pause = work.Pause,
            PreviousRun = work.PreviousRun,
            MapSummaryOf = work.Readers.MapSummaryOf,
            CountedUpstream = work.Counted ? work.Readers.CountedUpstream : null,
            MappedInstance = mappedInstance,
            Delivery = delivery,
        };

    /// <summary>
    /// The task instance a key names in the run a coordination step holds: a task by its id, or one instance of a mapped
    /// task by its <see cref="MapKey"/> id (judged on the mapped task's settings and upstream, with its own record); with
    /// <paramref name="delivery"/>, as a job delivered for one of its tries sees it (made at once, not copied after: a try's
    /// start judges one).
    /// </summary>
    public static ReadinessContext Of(RunWork work, string key, TryDelivery? delivery = null)
    {
        var mapped = MapKey.TryParse(key, out _, out _);
        return Of(work, work.DefinitionOf(key).Index, mapped ? work.Instance(key) : null, delivery);
    }

    /// <summary>The task of <paramref name="taskId"/> in a run read for people.</summary>
    public static ReadinessContext Of(PipelineDefinition pipeline, PipelineRun run, string taskId, Instant now)
    {
        var byIndex = new TaskInstance[pipeline.Tasks.Length];
        foreach (var task in pipeline.Tasks) byIndex[task.Index] = run[task.Id];
        var definition = MapKey.Definition(pipeline, taskId);
        return new ReadinessContext(pipeline, definition, run.State, i => byIndex[i].State, i => byIndex[i], now)
        {
            MapSummaryOf = i => run.Instances.TryGetValue(pipeline.Tasks[i].Id, out var instances) && instances.Length > 0 ? UpstreamSummary.Of(instances.Select(t => t.State)) : null,
            MappedInstance = MapKey.TryParse(taskId, out var mappedId, out var mapIndex) && run.Instances.TryGetValue(mappedId, out var own) && mapIndex < own.Length ? own[mapIndex] : null,
        };
    }

    public PipelineDefinition Pipeline { get; }

    /// <summary>The task whose readiness is judged.</summary>
    public TaskDefinition Task { get; }

    public RunState RunState { get; }

    public Instant Now { get; }

    /// <summary>The task's instance (parsed when a reason needs more than its state).</summary>
    public TaskInstance Instance => MappedInstance ?? _instanceOf(Task.Index);

    /// <summary>The task's state (without parsing its record, which a reason that needs only the state need not pay for).</summary>
    public TaskState State => MappedInstance?.State ?? _stateOf(Task.Index);

    /// <summary>When one instance of a mapped task is judged, its record; null for a task itself.</summary>
    public TaskInstance? MappedInstance { get; init; }

    /// <summary>
    /// A mapped task's instances counted by state, each an upstream task, or null for a task that is not mapped or has not
    /// expanded (or expanded over nothing): a downstream's trigger rule counts each instance (Airflow's trigger_rule_dep
    /// counts expanded task instances). A coordination step reads the run's counts of them (<see cref="InstanceCounts"/>).
    /// </summary>
    public Func<int, UpstreamSummary?>? MapSummaryOf { get; init; }

    /// <summary>
    /// The run's counts of a task's unmapped upstream states (<see cref="UpstreamTally.Upstream"/>), when the step judges
    /// by them; null when the states are read one by one (every reader but a try's end).
    /// </summary>
    public Func<int, UpstreamSummary>? CountedUpstream { get; init; }

    /// <summary>The state of the task at <paramref name="index"/> in the pipeline's topological order.</summary>
    public TaskState StateOf(int index) => _stateOf(index);

    /// <summary>
    /// Whether a coordination step judges (a context of its <see cref="RunWork"/>): it reads only the first reason not met
    /// (<see cref="TaskReadiness.BlockingStart"/>, <see cref="TaskReadiness.DecideQueue"/>), so a reason met answers with
    /// <see cref="MetWithoutSentence"/> instead of a sentence made for nobody. People's contexts have every sentence.
    /// </summary>
    public bool Deciding { get; init; }

    /// <summary>A reason's answer that it is met, for a step deciding (<see cref="Deciding"/>): its name and no sentence of its own.</summary>
    public static TaskDependency MetWithoutSentence(string name) => s_met.GetOrAdd(name, static n => new TaskDependency(n, true, $"{n}: met."));

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskDependency> s_met = new(StringComparer.Ordinal);

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
