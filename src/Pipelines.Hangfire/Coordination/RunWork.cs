using System.Collections.Generic;
using System.Linq;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// A run's task instances, read under the run's lock, with the changes a coordination step makes to them.
/// Everything recorded here is written in one storage transaction.
/// </summary>
/// <remarks>
/// The stored records are read as a step touches them (<see cref="StoredHash"/>: a field at a time, or all in one fetch
/// once it needs many) and parsed only when needed: a step usually needs one task and the states of a few neighbours,
/// and a state is read from a record's prefix without parsing the rest (<see cref="PipelineStore.StateOf"/>). A step
/// that judges by the run's counts (<see cref="Counted"/>) reads a join's count instead of its upstream tasks, so a try
/// ending in a 10,000-task run costs a few reads, not a fetch of 10,000 records.
/// </remarks>
internal sealed class RunWork
{
    private readonly System.Func<string, string?> _stored;
    // The tasks read or changed so far, by index: a few in most steps (a try's start or end). A step's work is allocated
    // for what it touches, not for the pipeline's size: an array over every task, made for each step, was most of what a
    // try's start and end allocated in a 1,000-task pipeline.
    private readonly Dictionary<int, TaskInstance> _tasks = new();
    // The indexes of the tasks this step changed, kept sorted (topological order): a step changes a few, and a sorted set
    // allocated a node per task and a stack for every enumeration, several per step.
    private readonly List<int> _changed = new();
    private Dictionary<int, TaskInstance>? _before;
    // Instances of mapped tasks (MapKey ids), parsed on first use, and those this step changed: made on first use, as
    // most steps touch none.
    private Dictionary<string, TaskInstance>? _instances;
    private SortedDictionary<string, TaskInstance>? _changedInstances;
    private Dictionary<string, TaskInstance>? _instancesBefore;
    private SortedSet<int>? _touchedMapped;

    private WorkReaders? _readers;

    /// <summary>
    /// What a readiness context reads this step's tasks with (<see cref="ReadinessContext.Of(RunWork, int)"/>), made once:
    /// a cascade judges many tasks, and each judgement made four delegates of its own.
    /// </summary>
    public WorkReaders Readers => _readers ??= new WorkReaders(this);

    /// <summary>The readers of a step's tasks a <see cref="ReadinessContext"/> takes.</summary>
    public sealed class WorkReaders(RunWork work)
    {
        public readonly System.Func<int, TaskState> StateOf = work.StateOf;
        public readonly System.Func<int, TaskInstance> InstanceOf = work.Get;
        public readonly System.Func<int, UpstreamSummary?> MapSummaryOf = work.InstanceSummaryOf;
        // The tally is set when the step is made, before any judgement.
        public readonly System.Func<int, UpstreamSummary>? CountedUpstream = work.Tally is { } tally ? tally.Upstream : null;
    }

    /// <summary>Starts a step. <paramref name="stored"/> gives a task's stored record by id (null when it has none): from one fetch of all records, or one field at a time.</summary>
    public RunWork(PipelineDefinition pipeline, string runId, RunState runState, System.Func<string, string?> stored, Instant now)
    {
        Pipeline = pipeline;
        RunId = runId;
        RunState = runState;
        _stored = stored;
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

    /// <summary>
    /// The run's running counts (<see cref="UpstreamTally"/>), moved with every state change of this step. Null for a step
    /// built without storage (the counts are then never read).
    /// </summary>
    public UpstreamTally? Tally { get; init; }

    /// <summary>
    /// Whether this step judges joins and the run's end by <see cref="Tally"/> instead of reading every task's state: a
    /// step that reads only what it touches (a try ending) in a run counted whole.
    /// </summary>
    public bool Counted { get; init; }

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

    /// <summary>
    /// Tasks the cascade decided to run but left undecided for the following steps, in priority order: this step had
    /// created its budget of jobs (<see cref="PipelinesOptions.MaxJobsPerStep"/>).
    /// </summary>
    public List<int> Deferred { get; } = new();

    /// <summary>
    /// The most jobs the step keeps for tasks its cascade decides to run (<see cref="PipelinesOptions.MaxJobsPerStep"/>);
    /// null when the step keeps them all.
    /// </summary>
    public int? JobBudget { get; init; }

    private HashSet<int>? _deferred;
    private int _weighedJobs;
    private long _leastJobWeight = long.MaxValue;

    /// <summary>
    /// Whether a task of priority weight <paramref name="weight"/> the cascade would queue now cannot be among the jobs
    /// the step keeps: the budget's worth of jobs are queued already, none of them of a lower weight, and the step keeps
    /// the highest weights, earliest first. Such a task is left undecided at once (<see cref="Defer"/>) rather than decided
    /// and taken back: a 1,000-task fan-out's first step decided all 1,000 and kept 200.
    /// </summary>
    public bool OverJobBudget(long weight)
    {
        if (JobBudget is not { } budget || Jobs.Count < budget) return false;
        for (; _weighedJobs < Jobs.Count; _weighedJobs++)
            _leastJobWeight = System.Math.Min(_leastJobWeight, Pipeline.PriorityWeightOf(MapKey.Definition(Pipeline, Jobs[_weighedJobs].TaskId)));
        return weight <= _leastJobWeight;
    }

    /// <summary>Lists a task (or a mapped task, for its instances) in <see cref="Deferred"/>, once.</summary>
    public void Defer(int index)
    {
        if ((_deferred ??= new HashSet<int>()).Add(index)) Deferred.Add(index);
    }

    /// <summary>Outputs to record.</summary>
    public Dictionary<string, string> Outputs { get; } = new(System.StringComparer.Ordinal);

    /// <summary>Asset events of tasks that succeeded in this step, written in its transaction (<see cref="AssetStore"/>).</summary>
    public List<AssetEvent> AssetEvents { get; } = new();

    /// <summary>Events to send once the lock is released.</summary>
    public List<PipelineEvent> Events { get; } = new();

    /// <summary>The tasks this step changed, in topological order, then the mapped instances it changed.</summary>
    public IEnumerable<TaskInstance> Changed
    {
        get
        {
            foreach (var index in _changed) yield return Get(index);
            foreach (var instance in ChangedInstances) yield return instance;
        }
    }

    /// <summary>The mapped instances this step changed (their records are under <see cref="MapKey"/> ids).</summary>
    public IEnumerable<TaskInstance> ChangedInstances
    {
        get
        {
            if (_changedInstances is null) yield break;
            foreach (var instance in _changedInstances.Values) yield return instance;
        }
    }

    /// <summary>A changed mapped instance as it was before this step.</summary>
    public TaskInstance InstanceBefore(string key) => _instancesBefore is not null && _instancesBefore.TryGetValue(key, out var task) ? task : Instance(key);

    /// <summary>Indexes of the mapped tasks some of whose instances this step changed, as of this read: the cascade settles them again.</summary>
    public IReadOnlyCollection<int> TouchedMapped => (IReadOnlyCollection<int>?)_touchedMapped ?? System.Array.Empty<int>();

    /// <summary>
    /// Reads a task's recorded output (for a mapped task's expansion: its upstream collection), preferring one this step
    /// records; null when it has none. Set by the step that holds the storage connection.
    /// </summary>
    public System.Func<string, string?>? StoredOutput { get; init; }

    /// <summary>The most instances a mapped task that sets no limit of its own may expand to (<see cref="PipelinesOptions.MaxMapLength"/>).</summary>
    public int MaxMapLength { get; init; } = PipelinesOptions.DefaultMaxMapLength;

    /// <summary>The output of <paramref name="taskId"/> as this step leaves it, or null.</summary>
    public string? OutputOf(string taskId) =>
        Outputs.TryGetValue(taskId, out var json) ? (json.Length == 0 ? null : json) : StoredOutput?.Invoke(taskId) is { Length: > 0 } stored ? stored : null;

    /// <summary>A mapped task's instance by its <see cref="MapKey"/> id (fresh when it has no record).</summary>
    public TaskInstance Instance(string key)
    {
        if (_instances is not null && _instances.TryGetValue(key, out var task)) return task;
        task = _stored(key) is { Length: > 0 } record ? PipelineStore.ParseTask(key, record) : TaskInstance.Fresh(key);
        (_instances ??= new(System.StringComparer.Ordinal))[key] = task;
        return task;
    }

    /// <summary>The instances a mapped task expanded to, by map index; empty before it expands.</summary>
    public IReadOnlyList<TaskInstance> InstancesOf(int index)
    {
        if (Get(index).MapLength is not { } length) return System.Array.Empty<TaskInstance>();
        var id = Pipeline.Tasks[index].Id;
        var result = new TaskInstance[length];
        for (var i = 0; i < length; i++) result[i] = Instance(MapKey.Of(id, i));
        return result;
    }

    /// <summary>
    /// The states of a mapped task's instances by map index, read from each record's prefix without parsing the rest
    /// (a step of a 1,000-instance task judges them all, so it must not parse 1,000 records); empty before it expands.
    /// </summary>
    public IReadOnlyList<TaskState> InstanceStatesOf(int index)
    {
        return Get(index).MapLength is { } length ? InstanceStates(index, length) : System.Array.Empty<TaskState>();
    }

    private TaskState[] InstanceStates(int index, int length)
    {
        var id = Pipeline.Tasks[index].Id;
        var states = new TaskState[length];
        for (var i = 0; i < length; i++) states[i] = InstanceState(MapKey.Of(id, i));
        return states;
    }

    /// <summary>
    /// A mapped task's instances by state, as this step leaves them: from the run's counts in a step that judges by them
    /// (<see cref="Counted"/>), so an instance's end does not read every instance; from the instances' states otherwise.
    /// </summary>
    public InstanceCounts InstanceCountsOf(int index) =>
        Counted && Tally is { } tally ? tally.Instances(index) : InstanceCounts.Of(InstanceStatesOf(index));

    /// <summary>
    /// Sets a mapped task's instance counts to those of its instances' states, read by a step that needed them (some
    /// instances were undecided): the counts are then exact whatever they held, and a wrong stored count is repaired.
    /// </summary>
    public void Recounted(int index, InstanceCounts counts) => Tally?.ResetInstances(index, counts);

    /// <summary>
    /// An expanded mapped task's instances as its downstream tasks' trigger rules count them, each an upstream task; null
    /// for a task not mapped or not expanded (or expanded over nothing), which counts once, by its own state.
    /// </summary>
    public UpstreamSummary? InstanceSummaryOf(int index) =>
        Pipeline.Tasks[index].MapOver is not null && Get(index).MapLength is { } length and > 0 ? InstanceCountsOf(index).Summary(length) : null;

    /// <summary>The definition of the task a key (task id or <see cref="MapKey"/> id) names.</summary>
    public TaskDefinition DefinitionOf(string key) => MapKey.Definition(Pipeline, key);

    /// <summary>Indexes of the tasks this step changed, in topological order.</summary>
    public IReadOnlyList<int> ChangedIndexes => _changed;

    /// <summary>A changed task as it was before this step (what the step's slot releases are judged on).</summary>
    public TaskInstance Before(int index) => _before is not null && _before.TryGetValue(index, out var task) ? task : Get(index);

    /// <summary>A task by its id, or a mapped task's instance by its <see cref="MapKey"/> id.</summary>
    public TaskInstance this[string taskId] => MapKey.TryParse(taskId, out _, out _) ? Instance(taskId) : Get(Pipeline[taskId].Index);

    /// <summary>
    /// Every task instance that runs tries, in topological order (parses every record: for steps that need them all): a
    /// mapped task that expanded stands for its instances, which have the jobs.
    /// </summary>
    public IEnumerable<TaskInstance> All => Enumerable.Range(0, Pipeline.Tasks.Length).SelectMany(i => Get(i).IsExpanded ? InstancesOf(i) : new[] { Get(i) });

    public TaskInstance Get(int index)
    {
        if (_tasks.TryGetValue(index, out var task)) return task;
        var id = Pipeline.Tasks[index].Id;
        return _tasks[index] = _stored(id) is { Length: > 0 } record ? PipelineStore.ParseTask(id, record) : TaskInstance.Fresh(id);
    }

    /// <summary>A task's state, without parsing its whole record.</summary>
    public TaskState StateOf(int index)
    {
        if (_tasks.TryGetValue(index, out var task)) return task.State;
        return _stored(Pipeline.Tasks[index].Id) is { Length: > 0 } record ? PipelineStore.StateOf(record) : TaskState.None;
    }

    public void Set(TaskInstance task)
    {
        if (MapKey.TryParse(task.TaskId, out var mappedId, out var mapIndex))
        {
            var instance = Instance(task.TaskId);
            if (_changedInstances is null || !_changedInstances.ContainsKey(task.TaskId)) (_instancesBefore ??= new(System.StringComparer.Ordinal))[task.TaskId] = instance;
            var mappedIndex = Pipeline[mappedId].Index;
            MovedInstance(mappedIndex, mapIndex, instance.State, task.State);
            (_instances ??= new(System.StringComparer.Ordinal))[task.TaskId] = task;
            (_changedInstances ??= new(System.StringComparer.Ordinal))[task.TaskId] = task;
            (_touchedMapped ??= new()).Add(mappedIndex);
            return;
        }
        var index = Pipeline[task.TaskId].Index;
        var current = Get(index);
        var at = _changed.BinarySearch(index);
        if (at < 0)
        {
            (_before ??= new Dictionary<int, TaskInstance>())[index] = current;
            _changed.Insert(~at, index);
        }
        Tally?.Moved(index, current.State, task.State);
        Expanded(index, current, task);
        _tasks[index] = task;
    }

    /// <summary>Moves the run's instance counts with an instance's change, when the instance is within its task's expansion as this step has it.</summary>
    private void MovedInstance(int mappedIndex, int mapIndex, TaskState from, TaskState to)
    {
        // The category first: a start (queued to running) moves nothing, and need not read the mapped task's record.
        if (Tally is { } tally && InstanceCounts.Of(from) != InstanceCounts.Of(to) && mapIndex < (Get(mappedIndex).MapLength ?? 0)) tally.MovedInstance(mappedIndex, from, to);
    }

    /// <summary>
    /// Counts a mapped task's instances again when its expansion changes (it expands, or is cleared whole): the counts
    /// cover map indexes 0 to its length, and instances changed after this in the step move them.
    /// </summary>
    private void Expanded(int index, TaskInstance from, TaskInstance to)
    {
        if (Tally is not { } tally || Pipeline.Tasks[index].MapOver is null || from.MapLength == to.MapLength) return;
        tally.ResetInstances(index, InstanceCounts.Of(InstanceStates(index, to.MapLength ?? 0)));
    }

    private TaskState InstanceState(string key) =>
        _instances is not null && _instances.TryGetValue(key, out var task) ? task.State
        : _stored(key) is { Length: > 0 } record ? PipelineStore.StateOf(record) : TaskState.None;

    /// <summary>
    /// Takes back this step's change to a task, leaving it as <paramref name="earlier"/> (what it was before a later
    /// change in this step); a task back to what it was before the step is no longer changed, so it is not written.
    /// </summary>
    public void Undo(int index, TaskInstance earlier)
    {
        var current = Get(index);
        Tally?.Moved(index, current.State, earlier.State);
        Expanded(index, current, earlier);
        _tasks[index] = earlier;
        if (_before is not null && _before.TryGetValue(index, out var before) && before == earlier)
        {
            _before.Remove(index);
            if (_changed.BinarySearch(index) is var at and >= 0) _changed.RemoveAt(at);
        }
    }

    /// <summary>As <see cref="Undo"/>, for a mapped task's instance by its <see cref="MapKey"/> id.</summary>
    public void UndoInstance(string key, TaskInstance earlier)
    {
        if (MapKey.TryParse(key, out var mappedId, out var mapIndex)) MovedInstance(Pipeline[mappedId].Index, mapIndex, Instance(key).State, earlier.State);
        (_instances ??= new(System.StringComparer.Ordinal))[key] = earlier;
        if (_instancesBefore is not null && _instancesBefore.TryGetValue(key, out var before) && before == earlier)
        {
            _instancesBefore.Remove(key);
            _changedInstances?.Remove(key);
        }
        else
        {
            (_changedInstances ??= new(System.StringComparer.Ordinal))[key] = earlier;
        }
    }

    public void Event(PipelineEventKind kind, string? taskId, string state, string message) =>
        Events.Add(new PipelineEvent(kind, Pipeline.Id, RunId, taskId, state, message, Now));
}
