using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Hangfire.Storage;

namespace Pipelines.Hangfire;

/// <summary>
/// A run's running counts, kept in storage beside its task records so a step judges a join without reading every task:
/// for each task, how many of its direct upstream tasks succeeded, failed, failed upstream or were skipped; and how many
/// of the run's tasks are finished. A try ending in a 10,000-task fan-out then reads its own record, its downstream's
/// record and count, not 10,000 records (Airflow's trigger_rule_dep asks its database the same counts).
/// </summary>
/// <remarks>
/// <para>The counts are a cache of the task states, changed in the same transaction as the states they count: every
/// state change goes through <see cref="RunWork.Set"/>, which moves the counts with it. A step that reads every record
/// anyway (a run's start, an operator's change, the reconciler) counts again from the states and writes what differs,
/// so a run stored before the counts existed, or counts ever wrong, are repaired by the next such step; until a run has
/// been counted whole (its record holds <see cref="RunRecord.FinishedTasksField"/>, read with the run at no extra cost),
/// its steps read every record, as they did before.</para>
/// <para>A mapped upstream is not counted in its downstream's counts: it counts once per instance once it expanded. Its
/// instances are counted under a field of their own (<see cref="InstancesField"/>, <see cref="InstanceCounts"/>) over
/// its current expansion, map indexes 0 to <see cref="TaskInstance.MapLength"/>: each instance's state change moves them,
/// and a change of the expansion itself (the task expands, or an operator clears it whole) counts them again from the
/// instances' states (<see cref="ResetInstances"/>). The judging step reads them (<see cref="RunWork.InstanceCountsOf"/>).</para>
/// </remarks>
internal sealed class UpstreamTally
{
    private const string FinishedField = RunRecord.FinishedTasksField;

    private readonly PipelineDefinition _pipeline;
    private readonly StoredHash _stored;
    private readonly StoredHash _run;
    private readonly Dictionary<int, StateCounts> _moved = new();
    private int _finishedMoved;
    // Mapped tasks' instance counts: moved by this step, and counted again by it (an expansion changed).
    private Dictionary<int, InstanceCounts>? _instancesMoved;
    private Dictionary<int, InstanceCounts>? _instancesCounted;

    /// <param name="pipeline">The run's pipeline.</param>
    /// <param name="stored">The run's counts hash (<see cref="PipelineStore.TallyKey"/>).</param>
    /// <param name="run">The run's own hash, which holds the count of finished tasks (read with the run's record).</param>
    public UpstreamTally(PipelineDefinition pipeline, StoredHash stored, StoredHash run)
    {
        _pipeline = pipeline;
        _stored = stored;
        _run = run;
    }

    /// <summary>
    /// Whether the stored counts are those of the whole run, counted for this pipeline's edges: only then are they read.
    /// A run counted under other edges (a deploy changed the pipeline's graph) is counted again by its next step.
    /// </summary>
    public bool IsCounted => StoredFinished() is not null;

    /// <summary>Whether <paramref name="upstream"/>'s state is counted for its downstream: a mapped task counts by its instances instead.</summary>
    public static bool Counts(TaskDefinition upstream) => upstream.MapOver is null;

    /// <summary>The stored count of finished tasks when it was counted for this pipeline's edges ("12@9f3a..."), else null.</summary>
    private int? StoredFinished()
    {
        var text = _run.Get(FinishedField);
        var at = text?.IndexOf('@', System.StringComparison.Ordinal) ?? -1;
        if (at <= 0 || !text!.AsSpan(at + 1).SequenceEqual(Shape.Of(_pipeline).Fingerprint)) return null;
        return int.TryParse(text.AsSpan(0, at), NumberStyles.Integer, CultureInfo.InvariantCulture, out var finished) ? finished : null;
    }

    private string FormatFinished(int finished) => Format(finished) + CountedSuffix(_pipeline);

    /// <summary>
    /// How the run's stored count of finished tasks ends when the run was counted for <paramref name="pipeline"/>'s edges
    /// (<see cref="IsCounted"/>): <c>@</c> and their fingerprint.
    /// </summary>
    public static string CountedSuffix(PipelineDefinition pipeline) => "@" + Shape.Of(pipeline).Fingerprint;

    /// <summary>A mapped task's indexes among <paramref name="index"/>'s upstream tasks: those the counts leave out.</summary>
    public static IReadOnlyList<int> MappedUpstream(PipelineDefinition pipeline, int index) => Shape.Of(pipeline).Mapped[index];

    /// <summary>
    /// What the counts depend on, worked out once per pipeline: for each task, how many of its upstream tasks are counted
    /// and which are mapped, and a fingerprint of the whole (each task's id, whether it is counted, and its upstream
    /// tasks: 16 hex digits of a SHA-256 of them), stored with the counts.
    /// </summary>
    private sealed class Shape
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<PipelineDefinition, Shape> s_shapes = new();

        public required string Fingerprint { get; init; }
        public required int[] Counted { get; init; }
        public required int[][] Mapped { get; init; }

        public static Shape Of(PipelineDefinition pipeline) => s_shapes.GetValue(pipeline, p =>
        {
            // The counts' format: a run counted before mapped instances were counted is counted again.
            var text = new System.Text.StringBuilder("instances\n");
            var counted = new int[p.Tasks.Length];
            var mapped = new int[p.Tasks.Length][];
            foreach (var task in p.Tasks)
            {
                text.Append(task.Id).Append(Counts(task) ? '=' : '~');
                foreach (var u in task.Upstream) text.Append(p.Tasks[u].Id).Append(',');
                text.Append('\n');
                var mappedUpstream = new List<int>();
                foreach (var u in task.Upstream)
                {
                    if (Counts(p.Tasks[u])) counted[task.Index]++;
                    else mappedUpstream.Add(u);
                }
                mapped[task.Index] = mappedUpstream.ToArray();
            }
            var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text.ToString()));
            return new Shape { Fingerprint = Convert.ToHexString(hash, 0, 8).ToLowerInvariant(), Counted = counted, Mapped = mapped };
        });
    }

    /// <summary>Moves the counts with one task's state change made in this step (a mapped task's instances are not counted).</summary>
    public void Moved(int index, TaskState from, TaskState to)
    {
        if (from == to) return;
        _finishedMoved += (to.IsTerminal() ? 1 : 0) - (from.IsTerminal() ? 1 : 0);
        var task = _pipeline.Tasks[index];
        if (!Counts(task)) return;
        var change = StateCounts.Of(to) - StateCounts.Of(from);
        if (change.IsZero) return;
        foreach (var downstream in task.Downstream)
            _moved[downstream] = (_moved.TryGetValue(downstream, out var moved) ? moved : default) + change;
    }

    /// <summary>The field of the counts hash that holds a mapped task's instance counts (<c>Load[*]</c>: no task id has brackets).</summary>
    public static string InstancesField(string taskId) => taskId + "[*]";

    /// <summary>Moves a mapped task's instance counts with one of its instances' state change in this step (one within its expansion).</summary>
    public void MovedInstance(int mappedIndex, TaskState from, TaskState to)
    {
        var change = InstanceCounts.Of(to) - InstanceCounts.Of(from);
        if (change.IsZero) return;
        _instancesMoved ??= new();
        _instancesMoved[mappedIndex] = (_instancesMoved.TryGetValue(mappedIndex, out var moved) ? moved : default) + change;
    }

    /// <summary>
    /// Sets a mapped task's instance counts to <paramref name="counts"/>, counted from its instances' states by a step
    /// that changed its expansion (the moves of its instances that follow in the step are added to them).
    /// </summary>
    public void ResetInstances(int mappedIndex, InstanceCounts counts)
    {
        (_instancesCounted ??= new())[mappedIndex] = counts;
        _instancesMoved?.Remove(mappedIndex);
    }

    /// <summary>Whether this step counted some mapped task's instances again (<see cref="ResetInstances"/>): its counts are then no addition.</summary>
    public bool RecountedInstances => _instancesCounted is not null;

    /// <summary>A mapped task's instance counts as this step leaves them (only when <see cref="IsCounted"/>).</summary>
    public InstanceCounts Instances(int mappedIndex)
    {
        var counts = _instancesCounted is not null && _instancesCounted.TryGetValue(mappedIndex, out var counted) ? counted : StoredInstances(mappedIndex);
        return _instancesMoved is not null && _instancesMoved.TryGetValue(mappedIndex, out var moved) ? counts + moved : counts;
    }

    private InstanceCounts StoredInstances(int mappedIndex) => InstanceCounts.Parse(_stored.Get(InstancesField(_pipeline.Tasks[mappedIndex].Id)));

    /// <summary>How many of the run's tasks are finished, as this step leaves them (only when <see cref="IsCounted"/>).</summary>
    public int Finished => (StoredFinished() ?? 0) + _finishedMoved;

    /// <summary>
    /// The states of <paramref name="index"/>'s unmapped upstream tasks, as this step leaves them (only when
    /// <see cref="IsCounted"/>): <see cref="UpstreamSummary.Total"/> is how many unmapped upstream tasks it has.
    /// </summary>
    public UpstreamSummary Upstream(int index)
    {
        var counts = Stored(_pipeline.Tasks[index].Id) + (_moved.TryGetValue(index, out var moved) ? moved : default);
        return new UpstreamSummary(Shape.Of(_pipeline).Counted[index], counts.Success, counts.Failed, counts.UpstreamFailed, counts.Skipped);
    }

    /// <summary>Writes the counts this step moved (a run not yet counted whole is left to the step that counts it).</summary>
    public void WriteMoved(IWriteOnlyTransaction transaction)
    {
        if ((_moved.Count == 0 && _finishedMoved == 0 && _instancesMoved is null && _instancesCounted is null) || !IsCounted) return;
        var fields = new Dictionary<string, string>(System.StringComparer.Ordinal);
        foreach (var (index, moved) in _moved)
        {
            if (moved.IsZero) continue;
            var id = _pipeline.Tasks[index].Id;
            fields[id] = (Stored(id) + moved).Format();
        }
        // Instance counts counted again (written whole) or moved, as this step leaves them.
        foreach (var index in (_instancesCounted?.Keys ?? Enumerable.Empty<int>()).Union(_instancesMoved?.Keys ?? Enumerable.Empty<int>()))
            fields[InstancesField(_pipeline.Tasks[index].Id)] = Instances(index).Format();
        if (fields.Count > 0) transaction.SetRangeInHash(_stored.Key, fields);
        if (_finishedMoved != 0) transaction.SetRangeInHash(_run.Key, new Dictionary<string, string>(System.StringComparer.Ordinal) { [FinishedField] = FormatFinished(Finished) });
    }

    /// <summary>
    /// The counts this step moved, as additions to their stored fields (<see cref="HashCountMove"/>), for a storage that
    /// adds them atomically beside other ends of the run (<see cref="UnlockedEnd"/>): each downstream task's counts, a
    /// mapped task's instance counts, then the run's count of finished tasks (whose fingerprint the addition keeps). Only
    /// when <see cref="IsCounted"/>, and not after <see cref="ResetInstances"/> (counted again, they are no addition).
    /// </summary>
    public List<HashCountMove> Additions()
    {
        if (_instancesCounted is not null) throw new System.InvalidOperationException("A step that counted a mapped task's instances again writes them whole (WriteMoved), not as additions.");
        var additions = new List<HashCountMove>(_moved.Count + 1);
        foreach (var (index, moved) in _moved)
            if (!moved.IsZero)
                additions.Add(new HashCountMove(_stored.Key, _pipeline.Tasks[index].Id, System.Collections.Immutable.ImmutableArray.Create(moved.Success, moved.Failed, moved.UpstreamFailed, moved.Skipped)));
        if (_instancesMoved is not null)
            foreach (var (index, moved) in _instancesMoved)
                if (!moved.IsZero) additions.Add(new HashCountMove(_stored.Key, InstancesField(_pipeline.Tasks[index].Id), moved.ToArray()));
        if (_finishedMoved != 0) additions.Add(new HashCountMove(_run.Key, FinishedField, System.Collections.Immutable.ImmutableArray.Create(_finishedMoved)));
        return additions;
    }

    /// <summary>
    /// Counts the whole run again from its tasks' states as <paramref name="stateOf"/> gives them, and its mapped tasks'
    /// instances' as <paramref name="instanceStatesOf"/> gives them (empty for a task not expanded), a step that read
    /// every record, and writes the fields whose stored value differs.
    /// </summary>
    public void WriteCounted(IWriteOnlyTransaction transaction, System.Func<int, TaskState> stateOf, System.Func<int, IReadOnlyList<TaskState>> instanceStatesOf)
    {
        var tasks = _pipeline.Tasks;
        var counts = new StateCounts[tasks.Length];
        var finished = 0;
        for (var i = 0; i < tasks.Length; i++)
        {
            var state = stateOf(i);
            if (state.IsTerminal()) finished++;
            if (!Counts(tasks[i])) continue;
            var of = StateCounts.Of(state);
            if (of.IsZero) continue;
            foreach (var downstream in tasks[i].Downstream) counts[downstream] += of;
        }
        var stored = _stored.Fetch();
        var fields = new Dictionary<string, string>(System.StringComparer.Ordinal);
        for (var i = 0; i < tasks.Length; i++)
        {
            if (!Counts(tasks[i]))
            {
                var instances = InstanceCounts.Of(instanceStatesOf(i));
                var instancesField = InstancesField(tasks[i].Id);
                var hasInstances = stored.TryGetValue(instancesField, out var instancesText);
                var instancesValue = instances.Format();
                if ((!instances.IsZero || hasInstances) && instancesText != instancesValue) fields[instancesField] = instancesValue;
            }
            var has = stored.TryGetValue(tasks[i].Id, out var text);
            if (counts[i].IsZero && !has) continue;
            var value = counts[i].Format();
            if (text != value) fields[tasks[i].Id] = value;
        }
        if (fields.Count > 0) transaction.SetRangeInHash(_stored.Key, fields);
        var finishedText = FormatFinished(finished);
        if (_run.Get(FinishedField) != finishedText)
            transaction.SetRangeInHash(_run.Key, new Dictionary<string, string>(System.StringComparer.Ordinal) { [FinishedField] = finishedText });
    }

    private StateCounts Stored(string taskId) => StateCounts.Of(InstanceCounts.Parse(_stored.Get(taskId)));

    private static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Upstream tasks by the state they count in (<see cref="InstanceCounts.Of(TaskState)"/>, without the live ones, which a join does not count), stored as four numbers.</summary>
    private readonly record struct StateCounts(int Success, int Failed, int UpstreamFailed, int Skipped)
    {
        public bool IsZero => Success == 0 && Failed == 0 && UpstreamFailed == 0 && Skipped == 0;

        public static StateCounts Of(TaskState state) => Of(InstanceCounts.Of(state));

        public static StateCounts Of(InstanceCounts counts) => new(counts.Success, counts.Failed, counts.UpstreamFailed, counts.Skipped);

        public static StateCounts operator +(StateCounts a, StateCounts b) => new(a.Success + b.Success, a.Failed + b.Failed, a.UpstreamFailed + b.UpstreamFailed, a.Skipped + b.Skipped);

        public static StateCounts operator -(StateCounts a, StateCounts b) => new(a.Success - b.Success, a.Failed - b.Failed, a.UpstreamFailed - b.UpstreamFailed, a.Skipped - b.Skipped);

        public string Format() => string.Join(",", UpstreamTally.Format(Success), UpstreamTally.Format(Failed), UpstreamTally.Format(UpstreamFailed), UpstreamTally.Format(Skipped));
    }
}
