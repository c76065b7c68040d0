using System.Collections.Generic;
using System.Linq;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// A run's task instances, read under the run's lock, with the changes a coordination step makes to them.
/// Everything recorded here is written in one storage transaction.
/// </summary>
/// <remarks>
/// The stored records are fetched in one read but parsed only when a step touches them: a step usually needs one task
/// and the states of a few neighbours, and a state is read from a record's prefix without parsing the rest
/// (<see cref="PipelineStore.StateOf"/>). So a step in a 1,000-task run costs a fetch and a scan, not 1,000 parses.
/// </remarks>
internal sealed class RunWork
{
    private readonly System.Func<string, string?> _stored;
    private readonly TaskInstance?[] _tasks;
    private readonly SortedSet<int> _changed = new();
    private Dictionary<int, TaskInstance>? _before;

    /// <summary>Starts a step. <paramref name="stored"/> gives a task's stored record by id (null when it has none): from one fetch of all records, or one field at a time.</summary>
    public RunWork(PipelineDefinition pipeline, string runId, RunState runState, System.Func<string, string?> stored, Instant now)
    {
        Pipeline = pipeline;
        RunId = runId;
        RunState = runState;
        _stored = stored;
        _tasks = new TaskInstance?[pipeline.Tasks.Length];
        Now = now;
    }

    public PipelineDefinition Pipeline { get; }
    public string RunId { get; }
    public Instant Now { get; }

    /// <summary>
    /// What a step that creates jobs needs to know of the run itself (read with the run's record). Setting a
    /// <see cref="RunFacts.Queue"/> of null returns the run's tasks to their own queues (the run's record forgets its
    /// queue when the step commits).
    /// </summary>
    public RunFacts Facts { get; set; }

    /// <summary>Whether the pipeline is paused, read with the run (<see cref="PipelineNotPaused"/>).</summary>
    public PipelinePause Pause { get; init; }

    /// <summary>The run before this one, looked up under the step's lock on first use (<see cref="PreviousRunTaskDone"/>).</summary>
    public System.Lazy<PreviousRun?>? PreviousRun { get; init; }

    /// <summary>The run's state; set to finished by the coordinator when every task is terminal.</summary>
    public RunState RunState { get; set; }

    /// <summary>
    /// Lists a finished run among the unfinished ones for the reconciler (an operator's change that will reopen it), so a
    /// failure between this step and the reopening is repaired by the next reconciler pass.
    /// </summary>
    public bool ListAsUnfinished { get; set; }

    /// <summary>Whether the run's state changed in this step.</summary>
    public bool RunStateChanged { get; set; }

    /// <summary>Jobs to create for tasks that became queued, or whose next try or poke is due later.</summary>
    public List<PendingJob> Jobs { get; } = new();

    /// <summary>Outputs to record.</summary>
    public Dictionary<string, string> Outputs { get; } = new(System.StringComparer.Ordinal);

    /// <summary>Asset events of tasks that succeeded in this step, written in its transaction (<see cref="AssetStore"/>).</summary>
    public List<AssetEvent> AssetEvents { get; } = new();

    /// <summary>Events to send once the lock is released.</summary>
    public List<PipelineEvent> Events { get; } = new();

    /// <summary>The tasks this step changed, in topological order.</summary>
    public IEnumerable<TaskInstance> Changed => _changed.Select(Get);

    /// <summary>Indexes of the tasks this step changed, in topological order.</summary>
    public IReadOnlyCollection<int> ChangedIndexes => _changed;

    /// <summary>A changed task as it was before this step (what the step's slot releases are judged on).</summary>
    public TaskInstance Before(int index) => _before is not null && _before.TryGetValue(index, out var task) ? task : Get(index);

    public TaskInstance this[string taskId] => Get(Pipeline[taskId].Index);

    /// <summary>Every task instance, in topological order (parses every record: for steps that need them all).</summary>
    public IEnumerable<TaskInstance> All => Enumerable.Range(0, _tasks.Length).Select(Get);

    public TaskInstance Get(int index)
    {
        if (_tasks[index] is { } task) return task;
        var id = Pipeline.Tasks[index].Id;
        return _tasks[index] = _stored(id) is { Length: > 0 } record ? PipelineStore.ParseTask(id, record) : TaskInstance.Fresh(id);
    }

    /// <summary>A task's state, without parsing its whole record.</summary>
    public TaskState StateOf(int index)
    {
        if (_tasks[index] is { } task) return task.State;
        return _stored(Pipeline.Tasks[index].Id) is { Length: > 0 } record ? PipelineStore.StateOf(record) : TaskState.None;
    }

    public void Set(TaskInstance task)
    {
        var index = Pipeline[task.TaskId].Index;
        if (!_changed.Contains(index)) (_before ??= new Dictionary<int, TaskInstance>())[index] = Get(index);
        _tasks[index] = task;
        _changed.Add(index);
    }

    public void Event(PipelineEventKind kind, string? taskId, string state, string message) =>
        Events.Add(new PipelineEvent(kind, Pipeline.Id, RunId, taskId, state, message, Now));
}
