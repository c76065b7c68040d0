using System;
using System.Collections.Generic;
using Hangfire;

namespace Pipelines.Hangfire;

/// <summary>
/// What a coordination step reads first, read in the round trip that takes its lock where the storage can
/// (<see cref="IPipelineReadStorage"/>): the pause, then by the step's scope the run's record, and the records and counts
/// of the tasks it touches and of their downstream tasks (a try's end judges those), or every record and count (a step
/// that reads the whole run). A step then reads anything else it needs as before (<see cref="StoredHash"/>), a field at a
/// time; on PostgreSQL a try's end made five or more round trips for these under the run's lock, and now makes none.
/// </summary>
internal sealed class StepReads
{
    private readonly IPipelineReadStorage _storage;
    private readonly HashSet<string> _whole;
    private readonly Dictionary<string, HashSet<string>> _fields;
    private IReadOnlyDictionary<string, Dictionary<string, string>> _read = new Dictionary<string, Dictionary<string, string>>();

    private StepReads(IPipelineReadStorage storage, HashSet<string> whole, Dictionary<string, HashSet<string>> fields)
    {
        _storage = storage;
        _whole = whole;
        _fields = fields;
    }

    /// <summary>
    /// What a step of <paramref name="cascade"/> that touches <paramref name="touches"/> (task ids or
    /// <see cref="MapKey"/> ids; null when unknown) reads first, to read with its lock (<see cref="Lock"/>); null when the
    /// storage reads only through Hangfire's connection.
    /// </summary>
    public static StepReads? Plan(JobStorage storage, PipelineDefinition pipeline, string runId, CascadeScope cascade, IReadOnlyCollection<string>? touches)
    {
        if (storage is not IPipelineReadStorage reader) return null;
        var tasksKey = PipelineStore.TasksKey(pipeline.Id, runId);
        var tallyKey = PipelineStore.TallyKey(pipeline.Id, runId);
        var whole = new HashSet<string>(StringComparer.Ordinal);
        // A set per hash: a start's step in a 10,000-task fan-out asks for 20,000 fields.
        var fields = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        void Field(string key, string field)
        {
            if (!fields.TryGetValue(key, out var set)) fields[key] = set = new HashSet<string>(StringComparer.Ordinal);
            set.Add(field);
        }

        Field(PipelinePause.Key, pipeline.Id);
        if (cascade != CascadeScope.None) whole.Add(PipelineStore.RunKey(pipeline.Id, runId));
        if (cascade == CascadeScope.All)
        {
            whole.Add(tasksKey);
            whole.Add(tallyKey);
        }
        else if (touches is not null)
        {
            foreach (var key in touches)
            {
                Field(tasksKey, key);
                var taskId = MapKey.TryParse(key, out var mappedId, out _) ? mappedId : key;
                if (!pipeline.TryGetTask(taskId, out var task)) continue;
                if (taskId != key) Field(tasksKey, taskId);
                if (cascade != CascadeScope.Changed) continue;
                // An instance's end (or a step deciding a mapped task) settles the mapped task by its instance counts.
                if (task.MapOver is not null) Field(tallyKey, UpstreamTally.InstancesField(taskId));
                foreach (var downstream in task.Downstream)
                {
                    Field(tasksKey, pipeline.Tasks[downstream].Id);
                    Field(tallyKey, pipeline.Tasks[downstream].Id);
                    // Its trigger rule counts a mapped upstream's instances: the mapped task's record (its length) and counts.
                    foreach (var mapped in UpstreamTally.MappedUpstream(pipeline, downstream))
                    {
                        Field(tasksKey, pipeline.Tasks[mapped].Id);
                        Field(tallyKey, UpstreamTally.InstancesField(pipeline.Tasks[mapped].Id));
                    }
                }
            }
        }
        return new StepReads(reader, whole, fields);
    }

    /// <summary>
    /// Takes the step's lock and reads the plan with it (<see cref="StorageLocks.AcquireAndRead"/>), writing
    /// <paramref name="writeFirst"/> in the same first round trip.
    /// </summary>
    public IDisposable Lock(string resource, TimeSpan timeout, HashFieldWrite? writeFirst)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var (key, list) in _fields)
            foreach (var field in list) pairs.Add(new(key, field));
        var held = StorageLocks.AcquireAndRead(_storage, resource, timeout, _whole, pairs, writeFirst, out var read);
        _read = read;
        return held;
    }

    /// <summary>Every field of a hash read whole, or null when it was not read whole.</summary>
    public IReadOnlyDictionary<string, string>? Whole(string key) =>
        !_whole.Contains(key) ? null : _read.TryGetValue(key, out var all) ? all : new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Whether the pipeline is paused.</summary>
    public PipelinePause Pause(PipelineDefinition pipeline) =>
        PipelinePause.Parse(pipeline, _read.TryGetValue(PipelinePause.Key, out var pauses) ? pauses.GetValueOrDefault(pipeline.Id) : null);

    /// <summary>Gives <paramref name="hash"/> what was read of it: all of it, or the fields asked for (null for those it lacks).</summary>
    public StoredHash Prime(StoredHash hash)
    {
        if (Whole(hash.Key) is { } all) hash.Prime(all);
        else if (_fields.TryGetValue(hash.Key, out var asked))
        {
            var held = _read.GetValueOrDefault(hash.Key);
            foreach (var field in asked) hash.Prime(field, held is not null && held.TryGetValue(field, out var value) ? value : null);
        }
        return hash;
    }
}
