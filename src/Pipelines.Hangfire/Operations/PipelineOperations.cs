using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Hangfire;
using Hangfire.Storage;
using NodaTime;
using Pipelines.Calendars;

namespace Pipelines.Hangfire;

/// <summary>
/// What operators do to pipelines: trigger, list and inspect runs, clear and re-run tasks, mark states, backfill.
/// The command line and the dashboard both go through here.
/// </summary>
public sealed partial class PipelineOperations
{
    private readonly JobStorage _storage;
    private readonly PipelineRegistry _registry;
    private readonly RunCoordinator _coordinator;
    private readonly PipelinesOptions _options;

    internal PipelineOperations(JobStorage storage, PipelineRegistry registry, RunCoordinator coordinator, PipelinesOptions options)
    {
        _storage = storage;
        _registry = registry;
        _coordinator = coordinator;
        _options = options;
        _assets = new AssetTriggers(storage, registry, options, (pipeline, partition, runId) => Create(pipeline.Id, partition, null, RunKind.Asset, null, runId, null, null));
        coordinator.Assets = _assets;
    }

    /// <summary>The pipelines this runtime knows.</summary>
    public PipelineRegistry Registry => _registry;

    /// <summary>
    /// Creates a run for <paramref name="logicalDate"/> and enqueues its first tasks (or queues the run when the pipeline
    /// already has <c>MaxActiveRuns</c> running). A scheduled or backfill run for a date that already has one returns the existing run id.
    /// With <paramref name="queue"/>, every task job of the run goes to that Hangfire queue instead of the task's own, so
    /// only a server listening on it (a command line running one run locally) works on the run.
    /// </summary>
    public string Trigger(string pipelineId, LocalDate logicalDate, IReadOnlyDictionary<string, string>? parameters = null, RunKind kind = RunKind.Manual, Interval? dataInterval = null, string? runId = null, string? queue = null) =>
        Create(pipelineId, logicalDate, parameters, kind, dataInterval, runId, queue, scheduledAt: null);

    /// <summary>Creates a run as <c>Trigger</c> does, for a schedule occurrence at <paramref name="scheduledAt"/> when there is one.</summary>
    internal string Create(string pipelineId, LocalDate logicalDate, IReadOnlyDictionary<string, string>? parameters, RunKind kind, Interval? dataInterval, string? runId, string? queue, Instant? scheduledAt)
    {
        var pipeline = _registry.Get(pipelineId);
        // Typed parameters are checked and made canonical here, for every way a run is created (command line, API,
        // dashboard, schedule, backfill): unknown keys and bad values throw RunParametersException, defaults are filled
        // in and stored with the run, so what a task binds is exactly what was validated.
        if (pipeline.Parameters is { } typed) parameters = typed.Bind(pipeline.Id, parameters);
        var now = _options.Clock.GetCurrentInstant();
        runId ??= RunId.For(kind, logicalDate, now).Value;
        var zone = PipelineTimes.Of(pipeline).Zone;
        var interval = dataInterval ?? new Interval(logicalDate.AtStartOfDayInZone(zone).ToInstant(), logicalDate.PlusDays(1).AtStartOfDayInZone(zone).ToInstant());

        bool start;
        using (var connection = _storage.GetConnection())
        using (var held = StorageLocks.Acquire(_storage, connection, PipelineStore.PipelineLock(pipeline.Id), _options.LockTimeout))
        {
            if (PipelineStore.ReadRunRecord(connection, pipeline.Id, runId) is not null) return runId;

            start = RunAdmission.HasFreeSlot(connection, pipeline);
            // The run's span marks its creation (a child of the caller's span, if any); its trace context is kept with the
            // run so every try, on any server, joins the same trace.
            using var span = PipelinesTelemetry.StartRun(pipeline.Id, runId, kind, logicalDate);
            var run = new PipelineRun(pipeline.Id, runId, kind, logicalDate, interval,
                parameters ?? new Dictionary<string, string>(), start ? RunState.Running : RunState.Queued,
                now, start ? now : null, null, pipeline.Tasks.Select(t => TaskInstance.Fresh(t.Id)).ToImmutableArray())
            {
                Queue = queue,
                TraceParent = span?.Id,
                ScheduledAt = scheduledAt,
            };

            // The storage's own batch where it has one (on PostgreSQL one round trip for the run's record, its tasks' records and
            // its sets, committed and unlocked together, instead of a statement per field).
            using var transaction = StorageWrites.Begin(_storage, connection, held);
            PipelineStore.WriteRun(transaction, run);
            PipelineStore.WriteTasks(transaction, pipeline.Id, runId, run.Tasks);
            transaction.AddToSet(PipelineStore.RunsKey(pipeline.Id), runId, PipelineStore.Score(logicalDate, now));
            transaction.AddToSet(PipelineStore.UnfinishedKey, PipelineStore.UnfinishedMember(pipeline.Id, runId));
            RunAdmission.Enter(transaction, pipeline, runId, start, now);
            transaction.Commit();
        }

        if (start) _coordinator.Update(pipeline, runId, _ => true);
        return runId;
    }

    /// <summary>
    /// Hands a run created for one process's queue (<see cref="Trigger"/> with a queue) back to the servers: the run
    /// forgets its queue, and each task waiting for a worker, or left running by a try that process gave up (its server
    /// stopped), gets a new job in its own queue; the old job, no longer the newest, does nothing if it ever runs.
    /// Returns false when the run has no queue of its own (or has finished, which returns it too).
    /// </summary>
    public bool ReturnToServers(string pipelineId, string runId)
    {
        var pipeline = _registry.Get(pipelineId);
        using var connection = _storage.GetConnection();
        return _coordinator.Update(pipeline, runId, work =>
        {
            if (work.Facts.Queue is not { } queue || work.RunState.IsFinished()) return false;
            work.Facts = work.Facts with { Queue = null };
            foreach (var task in work.All.ToList())
            {
                var waiting = IsCurrentTry.IsWaiting(task.State);
                var abandoned = task.State == TaskState.Running && _coordinator.IsDead(connection, pipeline, runId, task, work.Now, out _);
                if (!waiting && !abandoned) continue;
                work.Set(task with { Reason = $"Handed back from queue {queue} to the servers. " + task.Reason });
                work.Jobs.Add(new PendingJob(task.TaskId, task.TryNumber, null));
            }
            return true;
        }) is not null;
    }

    /// <summary>Whether the pipeline is paused (<see cref="Pause"/>).</summary>
    public bool IsPaused(string pipelineId)
    {
        var pipeline = _registry.Get(pipelineId);
        using var connection = _storage.GetConnection();
        return PipelinePause.Read(connection, pipeline).Paused;
    }

    /// <summary>The ids of the paused pipelines among those this runtime knows (one storage read).</summary>
    public IReadOnlySet<string> PausedPipelines()
    {
        using var connection = _storage.GetConnection();
        var stored = connection.GetAllEntriesFromHash(PipelinePause.Key) ?? new Dictionary<string, string>();
        return _registry.All.Where(p => PipelinePause.Parse(p, stored.GetValueOrDefault(p.Id)).Paused).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>
    /// Pauses a pipeline, as Airflow pauses a DAG: its schedule creates no runs and no new task starts (a try already
    /// running finishes); a run triggered meanwhile waits. The state is kept in storage for every server. Returns false
    /// when it was paused already.
    /// </summary>
    public bool Pause(string pipelineId) => SetPaused(_registry.Get(pipelineId), true);

    /// <summary>
    /// Unpauses a pipeline: the tasks that became ready while it was paused are enqueued, each waiting task gets a new job
    /// (a retry keeps its delay), and its schedule ticks at once, so a pipeline with catch-up creates the runs it missed
    /// (from its schedule mark, which a paused tick leaves where it was). Returns false when it was not paused.
    /// </summary>
    public bool Unpause(string pipelineId)
    {
        var pipeline = _registry.Get(pipelineId);
        if (!SetPaused(pipeline, false)) return false;

        HashSet<string> unfinished;
        using (var connection = _storage.GetConnection()) unfinished = connection.GetAllItemsFromSet(PipelineStore.UnfinishedKey);
        var prefix = PipelineStore.UnfinishedMember(pipeline.Id, "");
        foreach (var member in unfinished.Where(m => m.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(m => m, StringComparer.Ordinal))
        {
            // A job that found the pipeline paused has ended and left its task waiting: give each waiting task a new job
            // (one still pending becomes stale and does nothing). The step's cascade queues tasks held undecided.
            _coordinator.Update(pipeline, member[prefix.Length..], work =>
            {
                if (work.RunState != RunState.Running) return false;
                foreach (var task in work.All.ToList())
                {
                    if (!IsCurrentTry.IsWaiting(task.State)) continue;
                    var due = TaskReadiness.StartDue(work.DefinitionOf(task.TaskId), task, work.Now);
                    work.Set(task with { Reason = $"Released at {PipelineStore.Format(work.Now)}: the pipeline was unpaused. " + task.Reason });
                    work.Jobs.Add(new PendingJob(task.TaskId, task.TryNumber, due > work.Now ? due - work.Now : null));
                }
                return true;
            });
        }

        // The schedule's next tick would create the missed runs too, but for a daily schedule that may be a day away.
        var recurringId = PipelineScheduler.RecurringJobId(pipeline.Id);
        using (var connection = _storage.GetConnection())
        {
            if (connection.GetRecurringJobs(new[] { recurringId }).Any(j => !j.Removed))
                new RecurringJobManager(_storage).TriggerJob(recurringId);
        }
        return true;
    }

    /// <summary>Writes the pipeline's pause state under its lock; false when it already was so.</summary>
    private bool SetPaused(PipelineDefinition pipeline, bool paused)
    {
        using var connection = _storage.GetConnection();
        using var locked = StorageLocks.Acquire(_storage, connection, PipelineStore.PipelineLock(pipeline.Id), _options.LockTimeout);
        if (PipelinePause.Read(connection, pipeline).Paused == paused && PipelinePause.IsSeen(connection, pipeline.Id)) return false;
        using var transaction = connection.CreateWriteTransaction();
        PipelinePause.Write(transaction, pipeline.Id, paused, _options.Clock.GetCurrentInstant());
        transaction.Commit();
        return true;
    }

    /// <summary>Records a pipeline's PausedOnCreation the first time this storage sees it (at a server's start).</summary>
    internal void SeedPause(IStorageConnection connection, PipelineDefinition pipeline)
    {
        if (PipelinePause.IsSeen(connection, pipeline.Id)) return;
        using var locked = StorageLocks.Acquire(_storage, connection, PipelineStore.PipelineLock(pipeline.Id), _options.LockTimeout);
        PipelinePause.Seed(connection, pipeline, _options.Clock.GetCurrentInstant());
    }

    /// <summary>The run, with every task instance, or null when there is none.</summary>
    public PipelineRun? GetRun(string pipelineId, string runId)
    {
        var pipeline = _registry.Get(pipelineId);
        using var connection = _storage.GetConnection();
        var run = PipelineStore.ReadRun(connection, pipeline, runId);
        return run is not null && pipeline.Deadline is not null && DeadlineMisses.OfRun(connection, pipeline.Id, runId) is { } missed
            ? run with { MissedDeadline = missed }
            : run;
    }

    /// <summary>
    /// The deadline <paramref name="runId"/> missed (its pipeline's <c>Deadline</c>, as the deadline watcher recorded it),
    /// or null when it missed none; a run that was never created can have one too.
    /// </summary>
    public Instant? MissedDeadline(string pipelineId, string runId)
    {
        using var connection = _storage.GetConnection();
        return DeadlineMisses.OfRun(connection, pipelineId, runId);
    }

    /// <summary>The run deadlines a pipeline's runs missed, by run id (runs never created included).</summary>
    public IReadOnlyDictionary<string, Instant> MissedDeadlines(string pipelineId)
    {
        using var connection = _storage.GetConnection();
        return DeadlineMisses.Read(connection, pipelineId).Where(m => !m.Key.Contains('|', StringComparison.Ordinal)).ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal);
    }

    /// <summary>The newest runs of a pipeline, newest first.</summary>
    public IReadOnlyList<PipelineRun> ListRuns(string pipelineId, int count = 25)
    {
        var pipeline = _registry.Get(pipelineId);
        using var connection = _storage.GetConnection();
        var missed = pipeline.Deadline is null ? null : DeadlineMisses.Read(connection, pipeline.Id);
        var ids = PipelineStore.ListRunIds(connection, pipeline.Id, count, _options.Clock.GetCurrentInstant().InUtc().Date);
        return PipelineStore.ReadRuns(_storage, connection, pipeline, ids)
            .Select(r => missed is not null && missed.TryGetValue(r.RunId, out var at) ? r with { MissedDeadline = at } : r)
            .ToList();
    }

    /// <summary>How many runs of a pipeline are running now (at most its MaxActiveRuns).</summary>
    public int ActiveRunCount(string pipelineId)
    {
        using var connection = _storage.GetConnection();
        return RunAdmission.ActiveRuns(connection, _registry.Get(pipelineId));
    }

    /// <summary>
    /// Why a task of a run is (or is not) running: each readiness reason that applies to it, met or not, with its
    /// sentence (<see cref="TaskExplanation"/>, the reasons the coordinator decides with). Throws
    /// <see cref="KeyNotFoundException"/> when the pipeline has no such run or task.
    /// </summary>
    public IReadOnlyList<TaskDependency> Explain(string pipelineId, string runId, string taskId)
    {
        var pipeline = _registry.Get(pipelineId);
        var definition = MapKey.Definition(pipeline, taskId);
        using var connection = _storage.GetConnection();
        var run = PipelineStore.ReadRun(connection, pipeline, runId) ?? throw new KeyNotFoundException($"Pipeline '{pipeline.Id}' has no run '{runId}'.");
        var limits = SlotLimit.Of(pipeline, definition, _options);
        var slots = limits.Count == 0 ? null : SlotBook.Read(connection, limits, pipeline.Id, runId, taskId, run[taskId].TryNumber);
        // The previous run is read only for a task that depends on past and has not been queued yet.
        var previousRun = PastDependence.Of(pipeline).Any
            ? new Lazy<PreviousRun?>(() => PipelineStore.ReadRunRecord(connection, pipeline.Id, runId) is { } record ? RunOrder.Previous(connection, pipeline.Id, runId, record) : null)
            : null;
        return TaskExplanation.Explain(pipeline, run, taskId, RunAdmission.ActiveRuns(connection, pipeline), _options.Clock.GetCurrentInstant(), PipelinePause.Read(connection, pipeline), previousRun, slots);
    }

    /// <summary>
    /// Every pool (declared, configured, used by a task, or holding slots in storage) with its slots and how many of them
    /// are running, queued (asked for by waiting tasks) and open, as Airflow's pool list.
    /// </summary>
    public IReadOnlyList<PoolStatus> Pools()
    {
        using var connection = _storage.GetConnection();
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var pool in PoolCatalog.All) names.Add(pool.Name);
        foreach (var name in _options.Pools.Keys) names.Add(name);
        foreach (var pipeline in _registry.All)
            foreach (var task in pipeline.Tasks)
                if (task.Pool is { } name) names.Add(name);
        foreach (var key in connection.GetAllItemsFromSet(SlotBook.KeysKey))
            if (key.StartsWith("pool:", StringComparison.Ordinal)) names.Add(key["pool:".Length..]);
        var waiters = SlotBook.Waiters(connection);
        var result = new List<PoolStatus>(names.Count);
        foreach (var name in names)
        {
            var key = SlotLimit.PoolKey(name);
            var slots = SlotLimit.PoolCapacity(name, _options) ?? 0;
            var running = SlotBook.Holders(connection, key).Sum(h => h.Slots);
            var queued = waiters.SelectMany(w => w.Needs).Where(n => n.Key == key).Sum(n => n.Slots);
            result.Add(new PoolStatus(name, slots, running, queued, Math.Max(0, slots - running), PoolCatalog.TryGet(name, out var declared) ? declared.Description : null));
        }
        return result;
    }

    /// <summary>
    /// The output a task recorded in a run, as JSON, or null. A mapped task's output is its instances' outputs as one
    /// array in map-index order (what a reduce reads); one instance's is under its id with the map index (<c>Load[2]</c>).
    /// </summary>
    public string? GetOutput(string pipelineId, string runId, string taskId)
    {
        using var connection = _storage.GetConnection();
        var json = _registry.TryGet(pipelineId, out var pipeline) && pipeline.TryGetTask(taskId, out var task) && task.MapOver is not null
            ? PipelineStore.GetMappedOutput(connection, pipelineId, runId, taskId)
            : PipelineStore.GetOutput(connection, pipelineId, runId, taskId);
        return string.IsNullOrEmpty(json) ? null : json;
    }

    /// <summary>
    /// The labels of a mapped task's instances in a run, by map index (each element's <see cref="MapLabelAttribute"/>
    /// property or <c>ToString()</c>, through the generated typed <see cref="TaskDefinition.MapLabel"/>); empty when the
    /// task is not mapped or has not expanded. A label that cannot be read is null.
    /// </summary>
    public IReadOnlyList<string?> GetMapLabels(string pipelineId, string runId, string taskId)
    {
        var pipeline = _registry.Get(pipelineId);
        var task = pipeline[taskId];
        if (task.MapOver is not { } upstream || task.MapLabel is not { } label) return Array.Empty<string?>();
        using var connection = _storage.GetConnection();
        var json = PipelineStore.GetOutput(connection, pipeline.Id, runId, pipeline.Tasks[upstream].Id);
        if (string.IsNullOrEmpty(json)) return Array.Empty<string?>();
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != System.Text.Json.JsonValueKind.Array) return Array.Empty<string?>();
            var labels = new List<string?>(document.RootElement.GetArrayLength());
            foreach (var element in document.RootElement.EnumerateArray())
            {
                try
                {
                    labels.Add(label(element, _options.Serializer));
                }
                catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidOperationException or NotSupportedException)
                {
                    labels.Add(null);
                }
            }
            return labels;
        }
        catch (System.Text.Json.JsonException)
        {
            return Array.Empty<string?>();
        }
    }

    /// <summary>What a task wrote to <see cref="RunContext.Logger"/> in a run, over all its tries, oldest first.</summary>
    public IReadOnlyList<TaskLogLine> GetLog(string pipelineId, string runId, string taskId)
    {
        var pipeline = _registry.Get(pipelineId);
        using var connection = _storage.GetConnection();
        _ = MapKey.Definition(pipeline, taskId);
        return PipelineStore.ReadLog(connection, pipeline.Id, runId, taskId);
    }

    /// <summary>
    /// Resets tasks so they run again: the named tasks, plus their downstream and/or upstream tasks, optionally only those
    /// that failed (failed or upstream_failed). Ready tasks of a running run are enqueued at once; a finished run runs again
    /// when the pipeline has a free slot under MaxActiveRuns and waits for one otherwise.
    /// Returns the ids of the tasks that were reset. An instance of a mapped task is named by its id with the map index
    /// (<c>Load[2]</c>): that instance alone runs again (and what the scope adds around its task); naming the mapped task
    /// clears all its instances, and it expands again over its upstream's collection.
    /// </summary>
    public IReadOnlyList<string> Clear(string pipelineId, string runId, IEnumerable<string> taskIds, ClearScope scope = ClearScope.Downstream, bool onlyFailed = false)
    {
        var pipeline = _registry.Get(pipelineId);
        var ids = taskIds.ToList();
        var instanceKeys = ids.Where(id => MapKey.TryParse(id, out _, out _)).ToList();
        foreach (var key in instanceKeys)
            if (MapKey.Definition(pipeline, key).MapOver is null) throw new KeyNotFoundException($"Task '{MapKey.TaskIdOf(key)}' of pipeline '{pipeline.Id}' is not mapped, so it has no instance '{key}'.");
        var roots = ids.Select(id => MapKey.Definition(pipeline, id).Index).ToList();
        var selected = new SortedSet<int>(ids.Where(id => !MapKey.TryParse(id, out _, out _)).Select(id => pipeline[id].Index));
        // An instance's scope reaches what lies around its mapped task, not the task's other instances.
        if (scope.HasFlag(ClearScope.Downstream)) Walk(pipeline, roots, t => t.Downstream, selected);
        if (scope.HasFlag(ClearScope.Upstream)) Walk(pipeline, roots, t => t.Upstream, selected);

        var cleared = new List<string>();
        var wasFinished = false;
        _coordinator.Update(pipeline, runId, work =>
        {
            wasFinished = work.RunState.IsFinished();
            var keys = new List<string>();
            foreach (var key in instanceKeys) if (!selected.Contains(MapKey.Definition(pipeline, key).Index)) keys.Add(key);
            foreach (var index in selected)
            {
                // A mapped task cleared as a whole forgets its expansion; its instances are cleared with it.
                var whole = work.Get(index);
                if (pipeline.Tasks[index].MapOver is not null && whole.MapLength is { } length && (!onlyFailed || whole.State is TaskState.Failed or TaskState.UpstreamFailed))
                {
                    for (var i = 0; i < length; i++) keys.Add(MapKey.Of(whole.TaskId, i));
                    work.Set(whole with { State = TaskState.None, MapLength = null, Start = null, End = null, FirstTry = whole.TryNumber + 1, Reason = $"Cleared by an operator at {PipelineStore.Format(work.Now)}; it maps over its upstream's collection again after its upstream tasks." });
                    cleared.Add(whole.TaskId);
                }
                else
                {
                    keys.Add(pipeline.Tasks[index].Id);
                }
            }
            foreach (var key in keys)
            {
                var task = work[key];
                if (onlyFailed && task.State is not (TaskState.Failed or TaskState.UpstreamFailed) && !cleared.Contains(MapKey.TaskIdOf(key))) continue;
                if (task.State == TaskState.None) continue; // nothing to clear
                if (task.State == TaskState.Running)
                {
                    // Its try is running on data the clear makes stale: it ends, its result is discarded, and it runs again.
                    work.Set(task with { ClearRequested = true, Reason = $"Cleared by an operator at {PipelineStore.Format(work.Now)} while try {task.TryNumber} runs; that try's result will be discarded and the task will run again after its upstream tasks." });
                }
                else
                {
                    // A queued or scheduled try's job finds the task cleared and does nothing.
                    work.Set(task with { State = TaskState.None, Start = null, End = null, Server = null, FirstPoke = null, ClearRequested = false, FirstTry = task.TryNumber + 1, Reason = $"Cleared by an operator at {PipelineStore.Format(work.Now)}; waiting for its upstream tasks." });
                }
                cleared.Add(task.TaskId);
            }
            if (cleared.Count == 0) return false;
            foreach (var taskId in cleared) work.Outputs[taskId] = "";
            // A mapped task with a cleared instance is not done until that instance runs again.
            foreach (var key in instanceKeys) MappedTask.Settle(work, MapKey.Definition(pipeline, key).Index);
            // Listed for the reconciler at once: if reopening fails below, its next pass reopens the run.
            work.ListAsUnfinished = wasFinished;
            work.Event(PipelineEventKind.ManualChange, null, "cleared", $"Cleared {string.Join(", ", cleared)}.");
            return true;
        });
        // A run that had finished runs again when a slot under MaxActiveRuns is free, and waits for one otherwise.
        // (Judged by its state before the clear: a clear whose cascade finishes a running run does not reopen it.)
        if (wasFinished) _coordinator.Reopen(pipeline, runId);
        return cleared;
    }

    /// <summary>Sets a task's state by hand (success or failed) and moves the run on as if the task had ended so.</summary>
    public void MarkState(string pipelineId, string runId, string taskId, TaskState state)
    {
        if (state is not (TaskState.Success or TaskState.Failed or TaskState.Skipped))
            throw new ArgumentException($"A task can be marked success, failed or skipped, not {state.Name()}.", nameof(state));
        var pipeline = _registry.Get(pipelineId);
        _ = MapKey.Definition(pipeline, taskId);
        var wasFinished = false;
        _coordinator.Update(pipeline, runId, work =>
        {
            wasFinished = work.RunState.IsFinished();
            var task = work[taskId];
            // Marking an expanded mapped task marks each of its instances (its own state follows them).
            var marked = task.IsExpanded ? work.InstancesOf(work.DefinitionOf(taskId).Index) : new[] { task };
            foreach (var one in marked)
                work.Set(one with { State = state, End = work.Now, ClearRequested = false, Reason = $"Marked {state.Name()} by an operator at {PipelineStore.Format(work.Now)}." });
            // A marked instance of a mapped task: the task's own state follows its instances at once (a finished run's
            // outcome is read from it).
            if (MapKey.TryParse(taskId, out _, out _) || task.IsExpanded) MappedTask.Settle(work, work.DefinitionOf(taskId).Index);
            work.ListAsUnfinished = wasFinished;
            work.Event(PipelineEventKind.ManualChange, taskId, state.Name(), $"Marked {state.Name()} by an operator.");
            return true;
        });
        // The run moves on from the mark: at once if it is running, when it gets a slot if it had finished, when it
        // starts if it waits. A mark whose cascade finishes a running run leaves it finished.
        if (wasFinished) _coordinator.Reopen(pipeline, runId);
    }

    /// <summary>
    /// Creates backfill runs for every date from <paramref name="from"/> to <paramref name="to"/> inclusive (only sessions
    /// when the pipeline has a calendar). Runs beyond MaxActiveRuns wait and start as others finish. Returns the run ids.
    /// <paramref name="queue"/> routes every task of these runs to one queue, as with <see cref="Trigger"/>.
    /// </summary>
    public IReadOnlyList<string> Backfill(string pipelineId, LocalDate from, LocalDate to, IReadOnlyDictionary<string, string>? parameters = null, string? queue = null)
    {
        if (to < from) throw new ArgumentException($"The backfill range ends ({to:yyyy-MM-dd}) before it starts ({from:yyyy-MM-dd}).");
        var pipeline = _registry.Get(pipelineId);
        // Checked once, before any run exists, so a bad value creates none of the range's runs.
        if (pipeline.Parameters is { } typed) parameters = typed.Bind(pipeline.Id, parameters);
        ExchangeCalendar? calendar = null;
        if (pipeline.Calendar is { } id && !ExchangeCalendar.TryGet(id, out calendar))
            throw new InvalidOperationException($"Pipeline '{pipeline.Id}' uses calendar '{id}', which is not registered.");
        var runIds = new List<string>();
        for (var date = from; date <= to; date = date.PlusDays(1))
        {
            if (calendar is not null && !calendar.IsSession(date)) continue;
            runIds.Add(Trigger(pipeline.Id, date, parameters, RunKind.Backfill, queue: queue));
        }
        return runIds;
    }

    private static void Walk(PipelineDefinition pipeline, IEnumerable<int> roots, Func<TaskDefinition, ImmutableArray<int>> next, SortedSet<int> into)
    {
        var pending = new Stack<int>(roots);
        while (pending.Count > 0)
        {
            foreach (var n in next(pipeline.Tasks[pending.Pop()]))
            {
                if (into.Add(n)) pending.Push(n);
            }
        }
    }
}
