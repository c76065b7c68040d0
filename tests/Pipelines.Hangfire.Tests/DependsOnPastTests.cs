using global::Hangfire;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// Depends on past and wait for downstream end to end on a real BackgroundJobServer, with the states Airflow's rules give
/// (<c>PrevDagrunDep</c>): a task waits, undecided, until its instance in the previous run (by logical date) succeeded
/// or was skipped, and with wait_for_downstream until that instance's direct downstream did too. Each storage runs the
/// same specification.
/// </summary>
public abstract class DependsOnPastTests : IAsyncLifetime
{
    private PipelineHost _host = null!;

    protected abstract JobStorage CreateStorage();

    public async Task InitializeAsync() => _host = await PipelineHost.StartAsync(CreateStorage(), new[] { PastPipelines.DependsOnPast, PastPipelines.WaitForDownstream });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static string Tag() => Guid.NewGuid().ToString("N")[..6];

    private TaskInstance TaskOf(string pipelineId, string runId, string taskId) => _host.Operations.GetRun(pipelineId, runId)![taskId];

    [Fact]
    public async Task A_task_waits_for_its_failed_instance_in_the_previous_run_and_runs_once_that_is_cleared_and_succeeds()
    {
        const string pipeline = "depends_on_past";
        var tag = Tag();
        string r1 = "first_" + tag, r2 = "second_" + tag, r3 = "third_" + tag;

        // The first run has no previous one: it runs.
        _host.Operations.Trigger(pipeline, new LocalDate(2024, 5, 1), runId: r1);
        Assert.Equal(RunState.Success, (await _host.WaitAsync(pipeline, r1)).State);

        // The second run's Load fails, so its Publish is upstream_failed and the run failed.
        _host.Effects.Flags[PastPipelines.Fail(r2, "Load")] = 1;
        _host.Operations.Trigger(pipeline, new LocalDate(2024, 5, 2), runId: r2);
        var second = await _host.WaitAsync(pipeline, r2);
        Assert.Equal(RunState.Failed, second.State);
        Assert.Equal(TaskState.Failed, second["Load"].State);
        Assert.Equal(TaskState.UpstreamFailed, second["Publish"].State);

        // The third run's Extract (no depends-on-past) runs; its Load waits undecided, and says why.
        _host.Operations.Trigger(pipeline, new LocalDate(2024, 5, 3), runId: r3);
        await Poll.UntilAsync(() => TaskOf(pipeline, r3, "Extract").State, s => s == TaskState.Success, "the third run's Extract to succeed");
        await Task.Delay(1000); // ample time for a server that would wrongly queue Load
        var held = _host.Operations.GetRun(pipeline, r3)!;
        Assert.Equal(RunState.Running, held.State);
        Assert.Equal(TaskState.None, held["Load"].State);
        Assert.Equal(TaskState.None, held["Publish"].State);
        Assert.Equal(0, _host.Effects.Count(r3, "Load"));
        var why = Assert.Single(_host.Operations.Explain(pipeline, r3, "Load"), d => d.Name == PreviousRunTaskDone.Name);
        Assert.False(why.Met);
        Assert.Equal($"Task Load of the previous run {r2} (2024-05-02) is failed; it must succeed or be skipped (clear or mark it) before this run's Load is queued.", why.Sentence);

        // Clearing the second run's Load, which now succeeds, finishes that run and releases the third.
        _host.Effects.Flags[PastPipelines.Fail(r2, "Load")] = 0;
        _host.Operations.Clear(pipeline, r2, new[] { "Load" });
        var repaired = await _host.WaitAsync(pipeline, r2);
        Assert.Equal(RunState.Success, repaired.State);
        var third = await _host.WaitAsync(pipeline, r3);
        Assert.Equal(RunState.Success, third.State);
        Assert.Equal(1, _host.Effects.Count(r3, "Load"));
        Assert.True(third["Load"].Start >= repaired["Load"].End, $"the third run's Load started at {third["Load"].Start}, before the second's ended at {repaired["Load"].End}");
    }

    [Fact]
    public async Task Marking_the_failed_previous_instance_success_releases_the_waiting_task()
    {
        const string pipeline = "depends_on_past";
        var tag = Tag();
        string r1 = "failing_" + tag, r2 = "waiting_" + tag;
        _host.Effects.Flags[PastPipelines.Fail(r1, "Load")] = 1;
        _host.Operations.Trigger(pipeline, new LocalDate(2024, 8, 1), runId: r1);
        Assert.Equal(RunState.Failed, (await _host.WaitAsync(pipeline, r1)).State);
        _host.Operations.Trigger(pipeline, new LocalDate(2024, 8, 2), runId: r2);
        await Poll.UntilAsync(() => TaskOf(pipeline, r2, "Extract").State, s => s == TaskState.Success, "the second run's Extract to succeed");
        Assert.Equal(TaskState.None, TaskOf(pipeline, r2, "Load").State);

        _host.Operations.MarkState(pipeline, r1, "Load", TaskState.Success);
        Assert.Equal(RunState.Success, (await _host.WaitAsync(pipeline, r2)).State);
        Assert.Equal(1, _host.Effects.Count(r1, "Load"));
    }

    [Fact]
    public async Task A_release_lost_after_the_previous_instance_succeeded_is_made_by_the_reconcilers_pass()
    {
        const string pipeline = "depends_on_past";
        // Only the pass this test calls may release the run: the minutely recurring pass falling inside the second
        // below would release it first and make "nothing released it" untrue.
        _host.Services.GetRequiredService<IRecurringJobManager>().RemoveIfExists(PipelinesStartup.ReconcilerJobId);
        var tag = Tag();
        string r1 = "before_" + tag, r2 = "after_" + tag;
        _host.Effects.Flags[PastPipelines.Fail(r1, "Load")] = 1;
        _host.Operations.Trigger(pipeline, new LocalDate(2024, 7, 1), runId: r1);
        Assert.Equal(RunState.Failed, (await _host.WaitAsync(pipeline, r1)).State);
        _host.Operations.Trigger(pipeline, new LocalDate(2024, 7, 2), runId: r2);
        await Poll.UntilAsync(() => TaskOf(pipeline, r2, "Extract").State, s => s == TaskState.Success, "the second run's Extract to succeed");

        // A step that made the first run's Load succeed, as if the server died between its commit and the release.
        using (var connection = _host.Storage.GetConnection())
        using (var transaction = connection.CreateWriteTransaction())
        {
            PipelineStore.WriteTasks(transaction, pipeline, r1, new[] { TaskOf(pipeline, r1, "Load") with { State = TaskState.Success, Reason = "Marked success behind the coordinator's back." } });
            transaction.Commit();
        }
        await Task.Delay(1000);
        Assert.Equal(TaskState.None, TaskOf(pipeline, r2, "Load").State);

        _host.Services.GetRequiredService<PipelineReconciler>().Run();
        Assert.Equal(RunState.Success, (await _host.WaitAsync(pipeline, r2)).State);
    }

    [Fact]
    public async Task Wait_for_downstream_holds_the_task_until_the_previous_instances_downstream_succeeded()
    {
        const string pipeline = "wait_for_downstream";
        var tag = Tag();
        string w1 = "first_" + tag, w2 = "second_" + tag;

        // The first run's Publish (downstream of Load) is held running.
        _host.Effects.Flags[PastPipelines.Hold(w1, "Publish")] = 1;
        _host.Operations.Trigger(pipeline, new LocalDate(2024, 6, 3), runId: w1);
        await Poll.UntilAsync(() => TaskOf(pipeline, w1, "Publish").State, s => s == TaskState.Running, "the first run's Publish to run");
        Assert.Equal(TaskState.Success, TaskOf(pipeline, w1, "Load").State);

        // The second run's Load waits although the first run's Load succeeded: its downstream has not.
        _host.Operations.Trigger(pipeline, new LocalDate(2024, 6, 4), runId: w2);
        await Poll.UntilAsync(() => TaskOf(pipeline, w2, "Extract").State, s => s == TaskState.Success, "the second run's Extract to succeed");
        await Task.Delay(1000);
        Assert.Equal(TaskState.None, TaskOf(pipeline, w2, "Load").State);
        var why = Assert.Single(_host.Operations.Explain(pipeline, w2, "Load"), d => d.Name == PreviousRunTaskDone.Name);
        Assert.False(why.Met);
        Assert.StartsWith($"Wait for downstream: task Load of the previous run {w1} (2024-06-03) is success, but its downstream is not done (Publish running)", why.Sentence, StringComparison.Ordinal);

        _host.Effects.Flags[PastPipelines.Hold(w1, "Publish")] = 0;
        var first = await _host.WaitAsync(pipeline, w1);
        var second = await _host.WaitAsync(pipeline, w2);
        Assert.Equal(RunState.Success, first.State);
        Assert.Equal(RunState.Success, second.State);
        Assert.True(second["Load"].Start >= first["Publish"].End, $"the second run's Load started at {second["Load"].Start}, before the first's Publish ended at {first["Publish"].End}");
    }
}

public sealed class InMemoryDependsOnPastTests : DependsOnPastTests
{
    protected override JobStorage CreateStorage() => PipelineHost.InMemoryStorage();
}

public sealed class PostgreSqlDependsOnPastTests : DependsOnPastTests, IClassFixture<PostgreSqlDependsOnPastTests.Database>
{
    private readonly Database _database;

    public PostgreSqlDependsOnPastTests(Database database) => _database = database;

    protected override JobStorage CreateStorage() => PipelineHost.PostgreSqlStorage(_database.ConnectionString);

    public sealed class Database() : PostgresDatabase("depends_on_past");
}

public sealed class RedisDependsOnPastTests : DependsOnPastTests
{
    private static readonly string s_prefix = RedisServer.NewPrefix("depends-on-past");

    protected override JobStorage CreateStorage() => PipelineHost.RedisStorage(s_prefix);
}
