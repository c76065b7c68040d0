using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using Hangfire;

namespace Pipelines.Hangfire;

/// <summary>
/// A try's end without the run's lock, on a storage whose swaps beside the lock add to counts atomically
/// (<see cref="IPipelineCountingSwapStorage"/>: PostgreSQL's), for an end that changes nothing but its own task's record
/// and its downstream joins' counts: the 999 ends of a 1,000-task fan-out that leave its join waiting. Each took the run's
/// lock in turn, on one server or many; now they go on side by side, and wait only for a step in progress.
/// </summary>
/// <remarks>
/// <para>
/// The end keeps its try's result, then, once no step holds the run's lock and keeping steps out meanwhile, reads what the
/// locked step reads for it (the run, its task's record, its downstream tasks' records and counts, the pause), applies the
/// end (<see cref="TryEnd"/>) and the cascade (<see cref="RunCascade"/>) to them exactly as the step would, and goes on
/// only if that changed nothing but its own record and the counts: no job, no task decided, no run finished, no asset
/// event, no notification to keep; and every downstream task is undecided, so the run cannot end with it. It then swaps its record (as a start does, <see cref="UnlockedStart"/>) and adds its
/// moves to the counts in one commit. Anything else (a retry, a failure that fails its downstream, a stale or repeated
/// end, a join this end completes by the counts it read, something not read) is left to the locked step, which applies it
/// as before.
/// </para>
/// <para>
/// An end whose try started in this process (not an instance's) expects what it would read instead of reading it: its
/// running record as its start wrote it, the run as its start read it, the pause as last read here, its downstream tasks
/// undecided, and their counts as if no other end had added to them. Where the storage swaps in one go
/// (<see cref="IPipelineConditionalSwapStorage"/>: PostgreSQL's) it keeps its result, swaps its record, adds its counts and
/// reads its downstream tasks' records and counts in one round trip instead of two, only where every value it expected
/// is still stored; otherwise it reads them first as above (<see cref="ApplyExpected"/>). Expecting no other addition, it
/// never decides a join itself: the end that completes one has it decided by a locked step just after, as every end that
/// raced another did before (below); and it reads the clock before its round trip, not once the lock is free.
/// </para>
/// <para>
/// Ends beside each other read counts that miss each other's additions, so each judges its downstream again by the counts
/// its own addition left (they include every addition before it, and the end that adds last sees them all), and asks a
/// locked step to decide a downstream task those counts would decide (<see cref="Judge"/>). A join is thus decided by a
/// step once the counts complete it, never missed, and deciding is idempotent when two ends ask.
/// </para>
/// <para>
/// Tried only where it can succeed: a task whose every downstream task is a join (two upstream tasks or more, none
/// mapped, itself not mapped), in a pipeline without depends-on-past tasks (whose release follows a locked step), for a
/// task that produces no assets. A task with a downstream task of its own alone decides it when it ends.
/// </para>
/// <para>
/// An instance of a mapped task is such an end too, whatever lies downstream: it moves its mapped task's instance counts
/// (<see cref="InstanceCounts"/>), and the mapped task stays running until every instance is done, so the run cannot end
/// with it. The end whose addition completes the counts asks a locked step to settle the mapped task (<see cref="Judge"/>),
/// whose cascade judges what lies downstream; an end that decides a downstream task by itself (the first failed instance
/// under one_failed) is left to the locked step.
/// </para>
/// </remarks>
internal sealed class UnlockedEnd
{
    private static readonly ConditionalWeakTable<PipelineDefinition, bool[]> s_mayEnd = new();

    private readonly JobStorage _storage;
    private readonly PipelinesOptions _options;
    private readonly NotificationDispatcher _notifications;
    private readonly PausesRead _pauses;

    public UnlockedEnd(JobStorage storage, PipelinesOptions options, NotificationDispatcher notifications, PausesRead pauses)
    {
        _storage = storage;
        _options = options;
        _notifications = notifications;
        _pauses = pauses;
    }

    /// <summary>
    /// Whether an end of <paramref name="key"/> (a task id, or a mapped instance's <see cref="MapKey"/> id) may be applied
    /// here: the storage adds counts, and the task's place in its pipeline lets its end change only counts.
    /// </summary>
    public bool MayApply(PipelineDefinition pipeline, string key) =>
        _storage is IPipelineCountingSwapStorage && pipeline.TryGetTask(MapKey.TaskIdOf(key), out var task)
        && (task.MapOver is not null) == MapKey.TryParse(key, out _, out _) && MayEnd(pipeline)[task.Index];

    private static bool[] MayEnd(PipelineDefinition pipeline) => s_mayEnd.GetValue(pipeline, p =>
    {
        var may = new bool[p.Tasks.Length];
        if (PastDependence.Of(p).Any) return may;
        foreach (var task in p.Tasks)
        {
            if (task.Produces.Length > 0) continue;
            // An instance's end moves its mapped task's instance counts; the end that completes them settles the task in
            // a locked step (Judge).
            if (task.MapOver is not null)
            {
                may[task.Index] = true;
                continue;
            }
            if (task.Downstream.Length == 0) continue;
            var joins = true;
            foreach (var d in task.Downstream)
            {
                var downstream = p.Tasks[d];
                joins &= downstream.MapOver is null && downstream.Upstream.Length >= 2 && UpstreamTally.MappedUpstream(p, d).Count == 0;
            }
            may[task.Index] = joins;
        }
        return may;
    });

    /// <summary>
    /// Applies <paramref name="end"/> beside the run's lock, keeping <paramref name="keep"/> (the try's result) first.
    /// Returns the work done, its downstream tasks whose counts now decide them in <paramref name="toDecide"/> (for a
    /// locked step to decide), or null when the end is left to the locked step; the result is kept either way.
    /// </summary>
    /// <exception cref="global::Hangfire.Storage.DistributedLockTimeoutException">A step held the run's lock longer than <see cref="PipelinesOptions.LockTimeout"/> (the result is kept).</exception>
    public RunWork? Apply(PipelineDefinition pipeline, string runId, EndedTry end, HashFieldWrite? keep, out List<int> toDecide)
    {
        toDecide = new List<int>();
        var storage = (IPipelineCountingSwapStorage)_storage;
        if (!pipeline.TryGetTask(MapKey.TaskIdOf(end.TaskId), out var task)) return null;
        var instance = task.MapOver is not null;
        var runKey = PipelineStore.RunKey(pipeline.Id, runId);
        var tasksKey = PipelineStore.TasksKey(pipeline.Id, runId);
        var tallyKey = PipelineStore.TallyKey(pipeline.Id, runId);
        var (recordFields, countFields) = Reads(pipeline, end.TaskId, task);
        var fields = new List<KeyValuePair<string, string>>(1 + recordFields.Count + countFields.Count) { new(PipelinePause.Key, pipeline.Id) };
        foreach (var field in recordFields) fields.Add(new(tasksKey, field));
        foreach (var field in countFields) fields.Add(new(tallyKey, field));

        if (!instance && _storage is IPipelineConditionalSwapStorage conditional)
        {
            var expected = ApplyExpected(conditional, pipeline, runId, end, keep, task, recordFields, countFields, fields, out var tried, out toDecide);
            if (expected is not null) return expected;
            // Kept by the attempt: the read that follows need not keep it again.
            if (tried) keep = null;
        }

        using var swap = StorageLocks.BeginCountingSwap(storage, PipelineStore.RunLock(pipeline.Id, runId), _options.LockTimeout, new[] { runKey }, fields, keep, out var read);
        var run = RunRecord.Of(read.GetValueOrDefault(runKey));
        if (run?.State != RunState.Running) return null;
        var records = Primed(tasksKey, read, recordFields);
        var counts = Primed(tallyKey, read, countFields);
        var pause = PipelinePause.Parse(pipeline, _pauses.Saw(pipeline.Id, read));
        var tally = new UpstreamTally(pipeline, counts, new StoredHash(null, runKey, run.Fields));
        if (!tally.IsCounted || records.Get(end.TaskId) is not { } stored) return null;

        var work = Work(pipeline, runId, run, records.Get, tally, pause);
        if (CountsOnly(work, tally, run.Facts, end, task) is not { } changed) return null;
        var added = swap.Swap(new HashFieldWrite(tasksKey, end.TaskId, changed.Record), stored, changed.Additions, changed.Outputs);
        if (added is null) return null;
        toDecide = Judge(pipeline, runId, run, end.TaskId, task, records, counts, countFields, pause, changed.Record, changed.Additions, added);
        return work;
    }

    /// <summary>
    /// Applies <paramref name="end"/> and the cascade to <paramref name="work"/> exactly as the locked step would; the
    /// writes of an end that changed nothing but its own record and the counts (<see cref="OnlyCounts"/>), or null when it
    /// is left to the locked step.
    /// </summary>
    private CountsChange? CountsOnly(RunWork work, UpstreamTally tally, RunFacts facts, EndedTry end, TaskDefinition task)
    {
        try
        {
            // A downstream task already decided (a sibling failed or skipped it) leaves the run's end to this end's locked
            // step: with every downstream task undecided the run cannot finish here. (An instance's end cannot finish the
            // run here whatever its downstream: its mapped task is not done until a locked step settles it.)
            if (task.MapOver is null)
                foreach (var d in task.Downstream)
                    if (work.StateOf(d) != TaskState.None) return null;
            if (TryEnd.Apply(work, end) is null) return null;
            RunCascade.Run(work, CascadeScope.Changed);
        }
        catch (UnreadFieldException)
        {
            return null;
        }
        // Counts read again from states (some instances were undecided) are written whole by a locked step, not added.
        if (!OnlyCounts(work, facts, end.TaskId) || tally.RecountedInstances) return null;
        var outputs = new List<HashFieldWrite>(work.Outputs.Count);
        foreach (var (taskId, json) in work.Outputs) outputs.Add(new HashFieldWrite(PipelineStore.OutputsKey(work.Pipeline.Id, work.RunId), taskId, json));
        return new CountsChange(PipelineStore.Serialize(work[end.TaskId]), tally.Additions(), outputs);
    }

    /// <summary>What an end of counts alone writes: its task's record, its additions to the counts, its outputs.</summary>
    private sealed record CountsChange(string Record, List<HashCountMove> Additions, List<HashFieldWrite> Outputs);

    /// <summary>
    /// The end applied in one round trip where the try started here (<see cref="EndedTry.Started"/>): judged, as
    /// <see cref="Apply"/> judges it, on what the end expects (its running record as its start wrote it, the run as its
    /// start read it, the pause as last read here, its downstream tasks undecided, and the counts as if no other end had
    /// added to them, which leaves every decision to the counts the addition returns), and swapped only where the stored
    /// values still say so (<see cref="IPipelineConditionalSwapStorage"/>). Its downstream tasks are then judged as
    /// <see cref="Apply"/> judges them, on the records and counts read after the addition in the same transaction. Null
    /// when it was not applied here; <paramref name="tried"/> says whether the result was kept meanwhile.
    /// </summary>
    private RunWork? ApplyExpected(IPipelineConditionalSwapStorage storage, PipelineDefinition pipeline, string runId, EndedTry end, HashFieldWrite? keep, TaskDefinition task,
        List<string> recordFields, List<string> countFields, List<KeyValuePair<string, string>> fields, out bool tried, out List<int> toDecide)
    {
        tried = false;
        toDecide = new List<int>();
        if (end.Started is not { } started || end.Run is not { } startRun || startRun.State != RunState.Running || !_pauses.TryGet(pipeline.Id, out var pauseField)) return null;
        var runKey = PipelineStore.RunKey(pipeline.Id, runId);
        var tasksKey = PipelineStore.TasksKey(pipeline.Id, runId);
        var tallyKey = PipelineStore.TallyKey(pipeline.Id, runId);
        var expected = PipelineStore.Serialize(started);
        var records = new StoredHash(null, tasksKey);
        foreach (var field in recordFields) records.Prime(field, field == end.TaskId ? expected : null);
        var counts = new StoredHash(null, tallyKey);
        foreach (var field in countFields) counts.Prime(field, null);
        var tally = new UpstreamTally(pipeline, counts, new StoredHash(null, runKey, startRun.Fields));
        if (!tally.IsCounted) return null;

        var work = Work(pipeline, runId, startRun, records.Get, tally, PipelinePause.Parse(pipeline, pauseField));
        if (CountsOnly(work, tally, startRun.Facts, end, task) is not { } changed) return null;
        // What the end was judged by, checked where it is stored: the pause, the run still running in its queue and counted
        // for this pipeline's edges, and every downstream task undecided.
        var conditions = new List<HashFieldCondition>(3 + recordFields.Count)
        {
            PausesRead.Unchanged(pipeline.Id, pauseField),
            new(runKey, RunRecord.StateField, HashFieldTest.Equals, startRun.Fields.GetValueOrDefault(RunRecord.StateField)),
            new(runKey, RunRecord.QueueField, HashFieldTest.Equals, startRun.Fields.GetValueOrDefault(RunRecord.QueueField)),
            new(runKey, RunRecord.FinishedTasksField, HashFieldTest.EndsWith, UpstreamTally.CountedSuffix(pipeline)),
        };
        foreach (var field in recordFields)
            if (field != end.TaskId) conditions.Add(new HashFieldCondition(tasksKey, field, HashFieldTest.AbsentOrStartsWith, TaskState.None.Name() + "|"));

        tried = keep is not null;
        var added = StorageLocks.SwapIf(storage, PipelineStore.RunLock(pipeline.Id, runId), _options.LockTimeout, keep, new HashFieldWrite(tasksKey, end.TaskId, changed.Record), expected,
            conditions, changed.Additions, changed.Outputs, new[] { runKey }, fields, out var read);
        var pauseAfter = PipelinePause.Parse(pipeline, _pauses.Saw(pipeline.Id, read));
        if (added is null) return null;
        // The run was running when the swap was made (a condition), so it was read after it.
        var run = RunRecord.Of(read.GetValueOrDefault(runKey)) ?? startRun;
        toDecide = Judge(pipeline, runId, run, end.TaskId, task, Primed(tasksKey, read, recordFields), Primed(tallyKey, read, countFields), countFields, pauseAfter,
            changed.Record, changed.Additions, added);
        return work;
    }

    /// <summary>
    /// What the end of <paramref name="key"/> reads, as the locked step reads it (<see cref="StepReads"/>): the records of
    /// its task (an instance's, and its mapped task's) and of its downstream tasks, and the counts its downstream tasks are
    /// judged by: theirs, and the instance counts of their mapped upstream tasks (its own mapped task's among them).
    /// </summary>
    private static (List<string> Records, List<string> Counts) Reads(PipelineDefinition pipeline, string key, TaskDefinition task)
    {
        var records = new List<string> { key };
        var counts = new List<string>();
        if (key != task.Id)
        {
            records.Add(task.Id);
            counts.Add(UpstreamTally.InstancesField(task.Id));
        }
        foreach (var d in task.Downstream)
        {
            var id = pipeline.Tasks[d].Id;
            if (!records.Contains(id)) records.Add(id);
            if (!counts.Contains(id)) counts.Add(id);
            foreach (var mapped in UpstreamTally.MappedUpstream(pipeline, d))
            {
                var mappedId = pipeline.Tasks[mapped].Id;
                if (!records.Contains(mappedId)) records.Add(mappedId);
                if (!counts.Contains(UpstreamTally.InstancesField(mappedId))) counts.Add(UpstreamTally.InstancesField(mappedId));
            }
        }
        return (records, counts);
    }

    /// <summary>
    /// Whether the applied end changed only what the swap writes: its own task's record, the counts, its output.
    /// Everything else (jobs, other tasks, the run's state, asset events, notifications to keep) needs the locked step.
    /// </summary>
    private bool OnlyCounts(RunWork work, RunFacts facts, string key)
    {
        if (work.Jobs.Count > 0 || work.Deferred.Count > 0 || work.RunStateChanged || work.ListAsUnfinished || work.AssetEvents.Count > 0 || work.Facts != facts) return false;
        var instances = 0;
        foreach (var changed in work.ChangedInstances)
            if (changed.TaskId != key || ++instances > 1) return false;
        // A task's end changed its own record alone; an instance's end, its own record alone (not its mapped task's).
        var own = instances == 0 ? work.ChangedIndexes.Count == 1 && work.TouchedMapped.Count == 0 : work.ChangedIndexes.Count == 0 && work.TouchedMapped.Count == 1;
        return own && _notifications.ToStore(work.Events).Count == 0;
    }

    /// <summary>
    /// The downstream tasks that the counts as this end's addition left them would decide (each judged as a step's cascade
    /// judges it, on those counts and the records read): the ends added before this one are in them, so the end that
    /// completes a join's counts finds it decidable, whichever end that is.
    /// </summary>
    private List<int> Judge(PipelineDefinition pipeline, string runId, RunRecord run, string key, TaskDefinition task, StoredHash records, StoredHash counts, List<string> countFields,
        PipelinePause pause, string finalRecord, List<HashCountMove> additions, IReadOnlyList<string> added)
    {
        var runFields = new Dictionary<string, string>(run.Fields, StringComparer.Ordinal);
        var after = new StoredHash(null, counts.Key);
        foreach (var field in countFields) after.Prime(field, counts.Get(field));
        for (var i = 0; i < additions.Count; i++)
        {
            if (additions[i].Key == counts.Key) after.Prime(additions[i].Field, added[i]);
            else runFields[additions[i].Field] = added[i];
        }
        var work = Work(pipeline, runId, run, id => id == key ? finalRecord : records.Get(id), new UpstreamTally(pipeline, after, new StoredHash(null, PipelineStore.RunKey(pipeline.Id, runId), runFields)), pause);
        var decide = new List<int>();
        if (key != task.Id)
        {
            // The end whose addition completes the instance counts (or leaves instances to decide) has a locked step settle
            // the mapped task, whose cascade judges its downstream tasks.
            try
            {
                if (MappedTask.Settle(work, task.Index)) decide.Add(task.Index);
            }
            catch (UnreadFieldException)
            {
                decide.Add(task.Index);
            }
        }
        foreach (var d in task.Downstream)
        {
            try
            {
                if (RunCascade.Decide(work, d)) decide.Add(d);
            }
            catch (UnreadFieldException)
            {
                // Judging it needs more than was read: the locked step reads it.
                decide.Add(d);
            }
        }
        return decide;
    }

    /// <summary>The step's view of the run, as <see cref="RunStep"/> builds it for a try's end, from what was read.</summary>
    private RunWork Work(PipelineDefinition pipeline, string runId, RunRecord run, Func<string, string?> records, UpstreamTally tally, PipelinePause pause) =>
        new(pipeline, runId, RunState.Running, records, _options.Clock.GetCurrentInstant())
        {
            Facts = run.Facts,
            Pause = pause,
            StoredOutput = taskId => throw new UnreadFieldException(PipelineStore.OutputsKey(pipeline.Id, runId), taskId),
            MaxMapLength = _options.MaxMapLength,
            JobBudget = _options.MaxJobsPerStep,
            Tally = tally,
            Counted = true,
        };

    /// <summary>A hash of what was read of <paramref name="key"/>: <paramref name="fields"/>.</summary>
    private static StoredHash Primed(string key, IReadOnlyDictionary<string, Dictionary<string, string>> read, List<string> fields)
    {
        var held = read.GetValueOrDefault(key);
        var hash = new StoredHash(null, key);
        foreach (var field in fields) hash.Prime(field, held?.GetValueOrDefault(field));
        return hash;
    }
}
