using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading.Tasks;
using NodaTime;

namespace Pipelines;

/// <summary>
/// The static, validated description of one pipeline, emitted by the source generator: its settings, its tasks in
/// topological order with upstream and downstream indices, and a typed dispatch that calls the task methods.
/// </summary>
/// <remarks>Get one from the generated <c>Definition</c> property of a pipeline class, or from <see cref="PipelineCatalog"/>.</remarks>
public sealed class PipelineDefinition
{
    private readonly TaskDispatcher _dispatch;
    private readonly Dictionary<string, TaskDefinition> _byId;

    /// <summary>Creates a definition. Generated code calls this; the tasks must already be in topological order.</summary>
    public PipelineDefinition(string id, Type pipelineType, ImmutableArray<TaskDefinition> tasks, TaskDispatcher dispatch)
    {
        Id = id ?? throw new ArgumentNullException(nameof(id));
        PipelineType = pipelineType ?? throw new ArgumentNullException(nameof(pipelineType));
        Tasks = tasks;
        _dispatch = dispatch ?? throw new ArgumentNullException(nameof(dispatch));
        _byId = new Dictionary<string, TaskDefinition>(tasks.Length, StringComparer.Ordinal);
        for (var i = 0; i < tasks.Length; i++)
        {
            if (tasks[i].Index != i) throw new ArgumentException($"Task '{tasks[i].Id}' has index {tasks[i].Index} but stands at position {i}.", nameof(tasks));
            _byId.Add(tasks[i].Id, tasks[i]);
        }
    }

    /// <summary>The pipeline id.</summary>
    public string Id { get; }

    /// <summary>The class that declares the pipeline.</summary>
    public Type PipelineType { get; }

    /// <summary>The schedule text (cron or preset), or null for a pipeline triggered by hand only.</summary>
    public string? Schedule { get; init; }

    /// <summary>The IANA id of the time zone the schedule is read in.</summary>
    public string TimeZone { get; init; } = PipelineDefaults.TimeZone;

    /// <summary>The exchange calendar whose sessions the pipeline runs on, or null.</summary>
    public string? Calendar { get; init; }

    /// <summary>The first logical date, or null.</summary>
    public LocalDate? StartDate { get; init; }

    /// <summary>Whether missed runs are created when a server starts.</summary>
    public bool Catchup { get; init; }

    /// <summary>Whether the pipeline starts paused the first time a storage sees it.</summary>
    public bool PausedOnCreation { get; init; }

    /// <summary>How many runs may be active at once.</summary>
    public int MaxActiveRuns { get; init; } = PipelineDefaults.MaxActiveRuns;

    /// <summary>How many tasks may run at once across the pipeline's runs; 0 for no limit.</summary>
    public int MaxActiveTasks { get; init; }

    /// <summary>When a run must be finished, as written (<see cref="Schedules.DeadlineSyntax"/>), or null.</summary>
    public string? Deadline { get; init; }

    /// <summary>The methods called on the pipeline's events (<see cref="OnFailureAttribute"/> and its siblings).</summary>
    public ImmutableArray<PipelineCallback> Callbacks { get; init; } = ImmutableArray<PipelineCallback>.Empty;

    /// <summary>
    /// The typed run parameters declared with <c>[Pipeline(..., Parameters = typeof(T))]</c> or a <see cref="RunParametersAttribute"/>
    /// task parameter, or null for a pipeline that takes free-form string parameters.
    /// </summary>
    public RunParameterSet? Parameters { get; init; }

    /// <summary>What the pipeline does, for people.</summary>
    public string? Description { get; init; }

    /// <summary>Free-form tags.</summary>
    public ImmutableArray<string> Tags { get; init; } = ImmutableArray<string>.Empty;

    /// <summary>The graph as a Mermaid <c>flowchart</c>, written from <see cref="Tasks"/> on first use.</summary>
    /// <remarks>
    /// Code from earlier versions of the generator sets it; the setter stays so that such assemblies keep loading.
    /// </remarks>
    public string Mermaid
    {
        get => _mermaid ??= MermaidFlowchart.Of(Tasks);
        init => _mermaid = value;
    }

    private string? _mermaid;

    /// <summary>The tasks in topological order: every task stands after all of its upstream tasks.</summary>
    public ImmutableArray<TaskDefinition> Tasks { get; }

    /// <summary>The task with the given id.</summary>
    /// <exception cref="KeyNotFoundException">The pipeline has no such task.</exception>
    public TaskDefinition this[string taskId] => _byId.TryGetValue(taskId, out var task)
        ? task
        : throw new KeyNotFoundException($"Pipeline '{Id}' has no task '{taskId}'. Its tasks are: {string.Join(", ", _byId.Keys)}.");

    /// <summary>Looks a task up by id.</summary>
    public bool TryGetTask(string taskId, out TaskDefinition task) => _byId.TryGetValue(taskId, out task!);

    /// <summary>
    /// The effective priority weight of a task, by its <see cref="TaskDefinition.WeightRule"/>: its own weight plus the
    /// weights of all its downstream (or upstream) tasks, each counted once, or its own alone. Worked out once, on first use.
    /// </summary>
    public long PriorityWeightOf(TaskDefinition task)
    {
        if (task is null) throw new ArgumentNullException(nameof(task));
        var weights = _weights ??= PriorityWeights.Of(Tasks);
        return weights[task.Index];
    }

    private long[]? _weights;

    /// <summary>Calls the task's method with its inputs, through the generated typed dispatch.</summary>
    public ValueTask<TaskOutcome> InvokeAsync(TaskDefinition task, TaskInvocation invocation)
    {
        if (task is null) throw new ArgumentNullException(nameof(task));
        if (invocation is null) throw new ArgumentNullException(nameof(invocation));
        if (task.Index >= Tasks.Length || !ReferenceEquals(Tasks[task.Index], task))
            throw new ArgumentException($"Task '{task.Id}' does not belong to pipeline '{Id}'.", nameof(task));
        return _dispatch(task.Index, invocation);
    }

    /// <inheritdoc />
    public override string ToString() => Id;
}
