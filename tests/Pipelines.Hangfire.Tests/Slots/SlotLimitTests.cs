using global::Hangfire;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Pipelines.Hangfire.Tests.Infrastructure;
using static Pipelines.Hangfire.Tests.Airflow.SmallDag;

namespace Pipelines.Hangfire.Tests.Slots;

/// <summary>
/// Pools, MaxActiveTasks, MaxActiveTries and priority weights on real servers. Each storage runs the same specification
/// (<see cref="InMemorySlotLimitTests"/>, <see cref="PostgreSqlSlotLimitTests"/>); every test names its own pools and
/// pipelines, so tests sharing a database do not share limits.
/// </summary>
public abstract class SlotLimitTests
{
    protected abstract JobStorage CreateStorage();

    private static string Unique(string name) => $"{name}_{Guid.NewGuid():N}"[..(name.Length + 9)];

    private static Dictionary<string, TaskState> States(PipelineRun run) => run.Tasks.ToDictionary(t => t.TaskId, t => t.State);

    [Fact]
    public async Task Two_pipelines_sharing_a_two_slot_pool_never_run_more_than_two_of_its_tasks_at_once_across_two_servers()
    {
        var pool = Unique("vendor_api");
        var recorder = new TryRecorder();
        var pipelines = new[] { Unique("loads"), Unique("prices") }
            .Select(id => SlotDag.Build(id, SlotDag.Independent(4), recorder, delayMs: 300, task: _ => new TaskLimits(pool)))
            .ToArray();
        var storage = CreateStorage();
        await using var first = await PipelineHost.StartAsync(storage, pipelines, configure: o => o.Pools[pool] = 2, workers: 4);
        await using var second = await PipelineHost.StartAsync(storage, pipelines, configure: o => o.Pools[pool] = 2, workers: 4);

        var runs = pipelines.Select(p => (Pipeline: p.Id, RunId: first.Operations.Trigger(p.Id, new LocalDate(2024, 5, 1)))).ToArray();
        foreach (var (pipeline, runId) in runs)
            Assert.Equal(RunState.Success, (await first.WaitAsync(pipeline, runId)).State);

        Assert.Equal(8, recorder.Intervals.Count);
        Assert.InRange(recorder.MaxOverlap(), 1, 2);
        // The last try gives its slot back just after the step that ended it.
        await Poll.UntilAsync(() => first.Operations.Pools().Single(p => p.Name == pool), s => s == new PoolStatus(pool, 2, 0, 0, 2, null), "every slot to be given back");
    }

    [Fact]
    public async Task MaxActiveTasks_bounds_a_pipelines_running_tasks_across_its_runs_and_servers()
    {
        var recorder = new TryRecorder();
        var pipeline = SlotDag.Build(Unique("bounded"), SlotDag.Independent(3), recorder, delayMs: 200, maxActiveTasks: 2);
        var storage = CreateStorage();
        await using var host = await PipelineHost.StartAsync(storage, new[] { pipeline }, workers: 4);
        await using var other = await PipelineHost.StartAsync(storage, new[] { pipeline }, workers: 4);

        var runIds = Enumerable.Range(1, 2).Select(d => host.Operations.Trigger(pipeline.Id, new LocalDate(2024, 5, d))).ToArray();
        foreach (var runId in runIds) Assert.Equal(RunState.Success, (await host.WaitAsync(pipeline.Id, runId)).State);

        Assert.Equal(6, recorder.Intervals.Count);
        Assert.InRange(recorder.MaxOverlap(), 1, 2);
    }

    [Fact]
    public async Task MaxActiveTries_bounds_one_tasks_tries_across_runs_and_servers()
    {
        var recorder = new TryRecorder();
        var pipeline = SlotDag.Build(Unique("serial"), SlotDag.Independent(2), recorder, delayMs: 200, task: id => id == "T0" ? new TaskLimits(MaxActiveTries: 1) : new TaskLimits());
        var storage = CreateStorage();
        await using var host = await PipelineHost.StartAsync(storage, new[] { pipeline }, workers: 4);
        await using var other = await PipelineHost.StartAsync(storage, new[] { pipeline }, workers: 4);

        var runIds = Enumerable.Range(1, 3).Select(d => host.Operations.Trigger(pipeline.Id, new LocalDate(2024, 5, d))).ToArray();
        foreach (var runId in runIds) Assert.Equal(RunState.Success, (await host.WaitAsync(pipeline.Id, runId)).State);

        Assert.Equal(1, recorder.MaxOverlap(i => i.TaskId == "T0"));
        Assert.Equal(3, recorder.Intervals.Count(i => i.TaskId == "T0"));
        Assert.Equal(3, recorder.Intervals.Count(i => i.TaskId == "T1"));
    }

    [Fact]
    public async Task Under_one_worker_and_a_one_slot_pool_tasks_start_in_order_of_their_effective_priority_weights()
    {
        // Airflow's weight rules, worked out by hand: downstream = own + every downstream task's weight, upstream = own +
        // every upstream task's, absolute = own. Root (1) -> A, B, C, D; B -> B1, B2.
        //   A  absolute,   weight 5           -> 5
        //   B  downstream, weight 1, B1 3 + B2 3 -> 7
        //   C  upstream,   weight 2, Root 1   -> 3
        //   D  downstream, weight 4, leaf     -> 4
        // So B, A, D, C; then B1 and B2 (3 each, ready later than C, which has waited longer).
        var pool = Unique("single");
        var recorder = new TryRecorder();
        var shape = new[] { T("Root"), T("A", "Root"), T("B", "Root"), T("C", "Root"), T("D", "Root"), T("B1", "B"), T("B2", "B") };
        var pipeline = SlotDag.Build(Unique("weights"), shape, recorder, delayMs: 50, task: id => id switch
        {
            "A" => new TaskLimits(pool, PriorityWeight: 5, WeightRule: PriorityWeightRule.Absolute),
            "C" => new TaskLimits(pool, PriorityWeight: 2, WeightRule: PriorityWeightRule.Upstream),
            "D" => new TaskLimits(pool, PriorityWeight: 4),
            "B1" or "B2" => new TaskLimits(pool, PriorityWeight: 3),
            _ => new TaskLimits(pool),
        });
        await using var host = await PipelineHost.StartAsync(CreateStorage(), new[] { pipeline }, configure: o => o.Pools[pool] = 1, workers: 1);

        var run = await host.RunAsync(pipeline.Id);

        Assert.Equal(RunState.Success, run.State);
        Assert.Equal(new[] { "Root", "B", "A", "D", "C", "B1", "B2" }, recorder.StartOrder());
        Assert.Equal(1, recorder.MaxOverlap());
    }

    [Fact]
    public async Task A_task_asking_for_more_slots_than_its_pool_has_fails_with_the_reason()
    {
        var pool = Unique("narrow");
        var recorder = new TryRecorder();
        var pipeline = SlotDag.Build(Unique("greedy"), new[] { T("Big"), T("After", "Big") }, recorder, delayMs: 0, task: id => id == "Big" ? new TaskLimits(pool, PoolSlots: 3) : new TaskLimits());
        await using var host = await PipelineHost.StartAsync(CreateStorage(), new[] { pipeline }, configure: o => o.Pools[pool] = 2);

        var run = await host.RunAsync(pipeline.Id);

        Assert.Equal(RunState.Failed, run.State);
        Assert.Equal(TaskState.Failed, run["Big"].State);
        Assert.Equal(TaskState.UpstreamFailed, run["After"].State);
        Assert.Equal($"Failed before try 1 started: The task needs 3 slot(s) of pool '{pool}', which has only 2; it cannot run until the pool has more (Pipelines:Pools:{pool}) or the task asks for fewer (PoolSlots).", run["Big"].Reason);
        Assert.Empty(recorder.Intervals);
    }

    [Fact]
    public async Task A_task_waiting_for_a_full_pool_says_which_limit_holds_it_and_runs_when_a_slot_frees()
    {
        var pool = Unique("vendor");
        var recorder = new TryRecorder();
        var holder = SlotDag.Build(Unique("holder"), new[] { T("Hold") }, recorder, delayMs: 0, task: _ => new TaskLimits(pool), held: new HashSet<string> { "Hold" });
        var waiter = SlotDag.Build(Unique("waiter"), new[] { T("Wait") }, recorder, delayMs: 0, task: _ => new TaskLimits(pool, PriorityWeight: 7));
        await using var host = await PipelineHost.StartAsync(CreateStorage(), new[] { holder, waiter }, configure: o => o.Pools[pool] = 1);

        var holding = host.Operations.Trigger(holder.Id, new LocalDate(2024, 5, 1));
        await Poll.UntilAsync(() => host.Operations.GetRun(holder.Id, holding)!["Hold"].State == TaskState.Running, "the holder to run");
        var waiting = host.Operations.Trigger(waiter.Id, new LocalDate(2024, 5, 1));
        var expected = $"Waiting for 1 slot(s) of pool '{pool}': 1 of 1 in use ({holder.Id}.Hold of {holding}).";
        await Poll.UntilAsync(() => host.Operations.GetRun(waiter.Id, waiting)!["Wait"].Reason, r => r == expected, "the waiting task to say why");

        var why = Assert.Single(host.Operations.Explain(waiter.Id, waiting, "Wait"), d => d.Name == PoolSlotsAvailable.ReasonName);
        Assert.Equal(new TaskDependency(PoolSlotsAvailable.ReasonName, false, expected), why);
        Assert.Equal(TaskState.Queued, host.Operations.GetRun(waiter.Id, waiting)!["Wait"].State);
        Assert.Equal(new PoolStatus(pool, 1, 1, 1, 0, null), Assert.Single(host.Operations.Pools(), p => p.Name == pool));

        recorder.Gate.SetResult();
        Assert.Equal(RunState.Success, (await host.WaitAsync(holder.Id, holding)).State);
        Assert.Equal(RunState.Success, (await host.WaitAsync(waiter.Id, waiting)).State);
        Assert.Equal(1, recorder.MaxOverlap());
    }

    [Fact]
    public async Task The_reconciler_frees_a_slot_held_by_a_try_that_no_longer_runs_and_starts_the_waiting_task()
    {
        var pool = Unique("leaky");
        var recorder = new TryRecorder();
        var pipeline = SlotDag.Build(Unique("leaked"), new[] { T("Work") }, recorder, delayMs: 0, task: _ => new TaskLimits(pool));
        var storage = CreateStorage();
        await using var host = await PipelineHost.StartAsync(storage, new[] { pipeline }, configure: o => o.Pools[pool] = 1);
        var done = await host.RunAsync(pipeline.Id, new LocalDate(2024, 5, 1));
        Assert.Equal(RunState.Success, done.State);
        await Poll.UntilAsync(() => host.Operations.Pools().Single(p => p.Name == pool).Running, r => r == 0, "the finished try to give its slot back");

        // A crash between a try's last step and the release of its slot: the finished try still holds the pool's only slot.
        using (var connection = storage.GetConnection())
        using (var transaction = connection.CreateWriteTransaction())
        {
            transaction.AddToSet(SlotBook.HoldersKey(SlotLimit.PoolKey(pool)), new SlotHolder(pipeline.Id, done.RunId, "Work", 1, 1).Format());
            transaction.Commit();
        }
        var runId = host.Operations.Trigger(pipeline.Id, new LocalDate(2024, 5, 2));
        await Poll.UntilAsync(() => host.Operations.GetRun(pipeline.Id, runId)!["Work"].Reason ?? "", r => r.StartsWith("Waiting for 1 slot(s) of pool", StringComparison.Ordinal), "the task to wait for the leaked slot");

        host.Services.GetRequiredService<PipelineReconciler>().Run();

        Assert.Equal(RunState.Success, (await host.WaitAsync(pipeline.Id, runId)).State);
        Assert.Equal(2, recorder.Intervals.Count);
    }
}

public sealed class InMemorySlotLimitTests : SlotLimitTests
{
    protected override JobStorage CreateStorage() => PipelineHost.InMemoryStorage();
}

public sealed class PostgreSqlSlotLimitTests : SlotLimitTests, IClassFixture<PostgreSqlSlotLimitTests.Database>
{
    private readonly Database _database;

    public PostgreSqlSlotLimitTests(Database database) => _database = database;

    protected override JobStorage CreateStorage() => PipelineHost.PostgreSqlStorage(_database.ConnectionString);

    public sealed class Database() : PostgresDatabase("slots");
}

public sealed class RedisSlotLimitTests : SlotLimitTests
{
    private static readonly string s_prefix = RedisServer.NewPrefix("slots");

    protected override JobStorage CreateStorage() => PipelineHost.RedisStorage(s_prefix);
}
