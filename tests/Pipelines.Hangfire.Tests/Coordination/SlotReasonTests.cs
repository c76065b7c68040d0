using Pipelines.Hangfire.Tests.Slots;
using static Pipelines.Hangfire.Tests.Airflow.SmallDag;
using static Pipelines.Hangfire.Tests.Coordination.RunStatesFor;

namespace Pipelines.Hangfire.Tests.Coordination;

/// <summary>
/// The slot reasons (<see cref="PoolSlotsAvailable"/>, <see cref="PipelineConcurrency"/>, <see cref="TaskConcurrency"/>)
/// on usage built in memory, and the slot bookkeeping's order of waiters on a storage without a server.
/// </summary>
public sealed class SlotReasonTests
{
    private static readonly PipelineDefinition Limited = SlotDag.Build("limited", SlotDag.Independent(2), new TryRecorder(), 0,
        task: id => id == "T0" ? new TaskLimits("vendor_api", PoolSlots: 2, MaxActiveTries: 1) : new TaskLimits(), maxActiveTasks: 3);

    private static PipelinesOptions Options(int slots) => new() { Pools = new Dictionary<string, int> { ["vendor_api"] = slots } };

    private static ReadinessContext Context(TaskState state, params SlotUsage[] usage) =>
        ReadinessContext.Of(Work(Limited, RunState.Running, Now, Task("T0", state, tryNumber: 2)), 0) with { Slots = usage };

    private static SlotUsage Usage(SlotLimit limit, int used, bool held = false, int waiting = 0) =>
        new(limit, used == 0 ? Array.Empty<SlotHolder>() : new[] { new SlotHolder("other", "manual__2024-03-07__x", "Load", 1, used) }, held, waiting);

    [Fact]
    public void A_task_under_no_limit_has_no_slot_reasons_and_no_bookkeeping()
    {
        var unlimited = SlotDag.Build("free", SlotDag.Independent(1), new TryRecorder(), 0);
        Assert.False(SlotLimit.Any(unlimited, unlimited["T0"], new PipelinesOptions()));
        Assert.Empty(SlotLimit.Of(unlimited, unlimited["T0"], new PipelinesOptions()));
        Assert.Null(PoolSlotsAvailable.Instance.Evaluate(ReadinessContext.Of(Work(unlimited, RunState.Running, Now, Task("T0", TaskState.Queued)), 0)));
    }

    [Fact]
    public void A_task_takes_its_pool_its_pipelines_MaxActiveTasks_and_its_MaxActiveTries()
    {
        var limits = SlotLimit.Of(Limited, Limited["T0"], Options(4));
        Assert.Equal(new[]
        {
            new SlotLimit(SlotKind.Pool, "vendor_api", "pool:vendor_api", 4, 2),
            new SlotLimit(SlotKind.Pipeline, "limited", "pipeline:limited", 3, 1),
            new SlotLimit(SlotKind.Task, "limited.T0", "task:limited.T0", 1, 1),
        }, limits);
        // A task naming no pool takes default_pool only once default_pool is configured (Airflow puts every task in it).
        Assert.DoesNotContain(SlotLimit.Of(Limited, Limited["T1"], Options(4)), l => l.Kind == SlotKind.Pool);
        var withDefault = new PipelinesOptions { Pools = new Dictionary<string, int> { [SlotLimit.DefaultPool] = 128 } };
        Assert.Equal(new SlotLimit(SlotKind.Pool, "default_pool", "pool:default_pool", 128, 1), SlotLimit.Of(Limited, Limited["T1"], withDefault)[0]);
    }

    [Fact]
    public void A_full_pool_holds_a_queued_task_back_and_names_who_holds_it()
    {
        var pool = SlotLimit.Of(Limited, Limited["T0"], Options(3))[0];
        var full = PoolSlotsAvailable.Instance.Evaluate(Context(TaskState.Queued, Usage(pool, 2, waiting: 1)))!;
        Assert.Equal(new TaskDependency("Pool slots", false, "Waiting for 2 slot(s) of pool 'vendor_api': 2 of 3 in use (other.Load of manual__2024-03-07__x); 1 other task(s) waiting, highest priority weight first."), full);
        Assert.True(PoolSlotsAvailable.Instance.Evaluate(Context(TaskState.Queued, Usage(pool, 1)))!.Met);
        Assert.Equal("2 slot(s) of pool 'vendor_api' are reserved for try 2 (2 of 3 in use).", PoolSlotsAvailable.Instance.Evaluate(Context(TaskState.UpForRetry, Usage(pool, 2, held: true)))!.Sentence);
        Assert.Equal("Try 2 holds 2 slot(s) of pool 'vendor_api' (2 of 3 in use).", PoolSlotsAvailable.Instance.Evaluate(Context(TaskState.Running, Usage(pool, 2, held: true)))!.Sentence);
        // A finished task, or one a reschedule sensor's wait has let go of nothing, is not judged.
        Assert.Null(PoolSlotsAvailable.Instance.Evaluate(Context(TaskState.Success, Usage(pool, 2))));
    }

    [Fact]
    public void A_task_asking_for_more_slots_than_its_pool_has_can_never_start()
    {
        var pool = SlotLimit.Of(Limited, Limited["T0"], Options(1))[0];
        var never = PoolSlotsAvailable.Instance.Evaluate(Context(TaskState.Queued, Usage(pool, 0)))!;
        Assert.False(never.Met);
        Assert.Equal("The task needs 2 slot(s) of pool 'vendor_api', which has only 1; it cannot run until the pool has more (Pipelines:Pools:vendor_api) or the task asks for fewer (PoolSlots).", never.Sentence);
        var unknown = SlotLimit.Of(Limited, Limited["T0"], new PipelinesOptions())[0];
        Assert.StartsWith("The task needs pool 'vendor_api', which is neither declared", PoolSlotsAvailable.Instance.Evaluate(Context(TaskState.Queued, Usage(unknown, 0)))!.Sentence, StringComparison.Ordinal);
    }

    [Fact]
    public void MaxActiveTasks_and_MaxActiveTries_say_which_limit_holds_the_task()
    {
        var limits = SlotLimit.Of(Limited, Limited["T0"], Options(4));
        var pipeline = PipelineConcurrency.Instance.Evaluate(Context(TaskState.Queued, Usage(limits[1], 3)))!;
        var task = TaskConcurrency.Instance.Evaluate(Context(TaskState.Queued, Usage(limits[2], 1)))!;
        Assert.Equal(new TaskDependency("Pipeline concurrency", false, "Waiting for 1 slot(s) of MaxActiveTasks of pipeline 'limited': 3 of 3 in use (other.Load of manual__2024-03-07__x)."), pipeline);
        Assert.Equal(new TaskDependency("Task concurrency", false, "Waiting for 1 slot(s) of MaxActiveTries of task 'limited.T0': 1 of 1 in use (other.Load of manual__2024-03-07__x)."), task);
        // Each reason reads only its own limit.
        Assert.Null(TaskConcurrency.Instance.Evaluate(Context(TaskState.Queued, Usage(limits[1], 3))));
    }

    [Fact]
    public void Freed_slots_go_to_the_highest_effective_weight_then_before_a_backfill_then_the_earlier_logical_date_then_the_longest_waiting()
    {
        var storage = Infrastructure.PipelineHost.InMemoryStorage();
        var options = new PipelinesOptions { Pools = new Dictionary<string, int> { ["one"] = 1 } };
        var book = new SlotBook(storage, options);
        var pipeline = SlotDag.Build("ordered", new[] { T("Low"), T("High") }, new TryRecorder(), 0,
            task: id => new TaskLimits("one", PriorityWeight: id == "High" ? 9 : 1));
        TaskDependency? Judge(IReadOnlyList<SlotUsage> usage) => usage.All(u => u.HasRoom) ? null : new TaskDependency("Pool slots", false, "full");

        using (var connection = storage.GetConnection())
        using (var transaction = connection.CreateWriteTransaction())
        {
            // The waiters' logical dates and kinds, read from their runs' records.
            foreach (var (run, date, kind) in new[] { ("run-a", "2024-03-08", "manual"), ("run-b", "2024-03-09", "scheduled"), ("run-c", "2024-03-08", "manual"), ("run-d", "2024-03-09", "manual"), ("run-e", "2024-03-01", "backfill") })
                transaction.SetRangeInHash(PipelineStore.RunKey("ordered", run), new Dictionary<string, string> { [RunRecord.LogicalDateField] = date, [RunRecord.KindField] = kind });
            transaction.Commit();
        }
        Assert.Equal(SlotAdmissionKind.Admitted, book.Admit(pipeline, "holder", pipeline["Low"], 1, Now, Judge).Kind);
        // Refused in this order: a low one, a high one of a later date, a high one of an earlier date, another high
        // one of the later date, and a backfill's high one of the earliest date (Airflow's order would put it first).
        var refused = new[] { ("run-a", "Low"), ("run-b", "High"), ("run-c", "High"), ("run-d", "High"), ("run-e", "High") };
        for (var i = 0; i < refused.Length; i++)
            Assert.Equal(SlotAdmissionKind.Waiting, book.Admit(pipeline, refused[i].Item1, pipeline[refused[i].Item2], 1, Now + NodaTime.Duration.FromSeconds(i), Judge).Kind);
        // A second refusal of a waiting try keeps when it first waited.
        Assert.Equal(SlotAdmissionKind.Waiting, book.Admit(pipeline, "run-b", pipeline["High"], 1, Now + NodaTime.Duration.FromMinutes(5), Judge).Kind);
        using (var connection = storage.GetConnection())
            Assert.Equal(new[] { "run-c", "run-b", "run-d", "run-e", "run-a" }, SlotBook.Waiters(connection).Select(w => w.RunId));

        var order = new List<string>();
        var freed = new SlotHolder("ordered", "holder", "Low", 1, 1);
        while (true)
        {
            var woken = book.Release(new[] { (freed, (IReadOnlyList<string>)new[] { "pool:one" }) });
            if (woken.Count == 0) break;
            var next = Assert.Single(woken);
            order.Add(next.RunId);
            freed = new SlotHolder(next.PipelineId, next.RunId, next.TaskId, next.TryNumber, 1);
        }
        Assert.Equal(new[] { "run-c", "run-b", "run-d", "run-e", "run-a" }, order);
    }
}

/// <summary>Which steps give a try's slots back (<see cref="SlotRelease.Stopped"/>): derived once from the states a step changed.</summary>
public sealed class SlotReleaseTests
{
    private static readonly PipelineDefinition Pooled = SlotDag.Build("pooled", SlotDag.Independent(2), new TryRecorder(), 0,
        task: id => id == "T0" ? new TaskLimits("vendor_api") : new TaskLimits());

    private static IReadOnlyList<(SlotHolder Try, IReadOnlyList<string> Keys)> Released(TaskInstance before, TaskInstance after)
    {
        // The task's record as the step reads it from storage.
        var storage = Infrastructure.PipelineHost.InMemoryStorage();
        using var connection = storage.GetConnection();
        using (var transaction = connection.CreateWriteTransaction())
        {
            PipelineStore.WriteTasks(transaction, Pooled.Id, "run", new[] { before });
            transaction.Commit();
        }
        var records = PipelineStore.ReadTaskRecords(connection, Pooled.Id, "run");
        var work = new RunWork(Pooled, "run", RunState.Running, id => records.GetValueOrDefault(id), Now);
        work.Set(after);
        return SlotRelease.Stopped(work, new PipelinesOptions { Pools = new Dictionary<string, int> { ["vendor_api"] = 2 } });
    }

    [Theory]
    [InlineData(TaskState.Running, 1, TaskState.Success, 1, true)]           // the try ended
    [InlineData(TaskState.Running, 1, TaskState.Failed, 1, true)]
    [InlineData(TaskState.Running, 1, TaskState.UpForRetry, 2, true)]        // up for retry: the next try takes slots again when it starts
    [InlineData(TaskState.Running, 1, TaskState.UpForReschedule, 1, true)]   // a reschedule sensor holds none between pokes
    [InlineData(TaskState.Running, 1, TaskState.None, 1, true)]              // cleared while running
    [InlineData(TaskState.Queued, 1, TaskState.Success, 1, true)]            // marked while waiting (a reservation goes back)
    [InlineData(TaskState.Queued, 1, TaskState.Running, 1, false)]           // the start: slots taken, not given back
    [InlineData(TaskState.Running, 1, TaskState.Running, 1, false)]          // a dead execution run again
    [InlineData(TaskState.Queued, 1, TaskState.Queued, 1, false)]            // a new job for the same waiting try
    [InlineData(TaskState.None, 0, TaskState.Queued, 1, false)]              // queued by the cascade: held nothing
    public void A_try_gives_its_slots_back_when_its_task_stops_running_or_waiting_for_it(TaskState from, int fromTry, TaskState to, int toTry, bool released)
    {
        var result = Released(Task("T0", from, tryNumber: fromTry), Task("T0", to, tryNumber: toTry));
        if (!released)
        {
            Assert.Empty(result);
            return;
        }
        var (held, keys) = Assert.Single(result);
        Assert.Equal(("pooled", "T0", fromTry), (held.PipelineId, held.TaskId, held.TryNumber));
        Assert.Equal(new[] { "pool:vendor_api" }, keys);
    }

    [Fact]
    public void A_task_under_no_limit_gives_nothing_back_and_touches_no_bookkeeping() =>
        Assert.Empty(Released(Task("T1", TaskState.Running), Task("T1", TaskState.Success)));
}
