using global::Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// A step that decides to run more tasks than <see cref="PipelinesOptions.MaxJobsPerStep"/> creates that many jobs and
/// leaves the rest to the following steps: every task still runs exactly once, the join still waits for all of them,
/// and each task gets one job. Run on InMemory and PostgreSQL.
/// </summary>
public abstract class JobBudgetTests : IAsyncLifetime
{
    private PipelineHost _host = null!;

    protected abstract JobStorage CreateStorage();

    public async Task InitializeAsync() =>
        _host = await PipelineHost.StartAsync(CreateStorage(), new[] { Fan100.Definition, Mapped.Definition, WeightedFan.Definition }, configure: o => o.MaxJobsPerStep = 7);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_fan_out_of_100_with_a_budget_of_7_jobs_per_step_runs_every_task_once_and_joins_after_all()
    {
        var run = await _host.RunAsync("fan_100", timeout: TimeSpan.FromMinutes(2));
        Assert.Equal(RunState.Success, run.State);
        Assert.All(run.Tasks, t => Assert.Equal(TaskState.Success, t.State));
        Assert.All(run.Tasks, t => Assert.Equal(1, _host.Effects.Count(run.RunId, t.TaskId)));
        // One job each: a task left undecided by one step is queued once by a later one, never twice.
        Assert.All(run.Tasks, t => Assert.Single(t.JobIds));
        var lastWorker = run.Tasks.Where(t => t.TaskId.StartsWith('W')).Max(t => t.End!.Value);
        Assert.True(run["Join"].Start >= lastWorker);
        Assert.Equal("106", _host.Operations.GetOutput("fan_100", run.RunId, "W099"));
    }

    [Fact]
    public void Start_ending_queues_the_100_workers_7_per_step_in_order_each_step_committed_on_its_own()
    {
        // The run's jobs go to a queue no server here reads, and the test ends Start itself, so the steps counted are
        // the ones that try's end makes.
        var runId = _host.Operations.Trigger("fan_100", new NodaTime.LocalDate(2024, 6, 6), queue: "held");
        var coordinator = _host.Services.GetRequiredService<RunCoordinator>();
        var running = coordinator.BeginTry(Fan100.Definition, runId, "Start", 1, null, "test");
        Assert.NotNull(running);

        using var steps = MeasurementCounter.Steps("fan_100");
        coordinator.CompleteTry(Fan100.Definition, runId, "Start", 1, null, running.Execution, TryResult.Succeeded(TaskOutcome.Completed("7")));
        steps.Dispose();

        // Start's own step queues W000-W006; 13 steps of 7 and one of 2 queue the other 93.
        Assert.InRange(steps.Count, 15, 16); // 16 if the reconciler's pass fell in between
        var run = _host.Operations.GetRun("fan_100", runId)!;
        var workers = run.Tasks.Where(t => t.TaskId.StartsWith('W')).ToList();
        Assert.All(workers, t => Assert.Equal(TaskState.Queued, t.State));
        Assert.All(workers, t => Assert.Single(t.JobIds));
        // Equal priority weights: topological order, so each step's jobs come after the last step's.
        Assert.Equal(workers.Select(t => t.TaskId), workers.OrderBy(t => long.Parse(t.JobIds[0], System.Globalization.CultureInfo.InvariantCulture)).Select(t => t.TaskId));
        Assert.Equal(TaskState.None, run["Join"].State);
    }

    [Fact]
    public void Start_ending_queues_24_workers_of_mixed_weights_highest_weight_first_across_the_steps_of_7()
    {
        // As above: a held run whose Start the test ends, so no worker runs and the jobs' creation order is all there is.
        var pipeline = WeightedFan.Definition;
        var runId = _host.Operations.Trigger(pipeline.Id, new NodaTime.LocalDate(2024, 6, 7), queue: "held");
        var coordinator = _host.Services.GetRequiredService<RunCoordinator>();
        var running = coordinator.BeginTry(pipeline, runId, "Start", 1, null, "test");
        Assert.NotNull(running);

        using var steps = MeasurementCounter.Steps(pipeline.Id);
        coordinator.CompleteTry(pipeline, runId, "Start", 1, null, running.Execution, TryResult.Succeeded(TaskOutcome.Completed(null)));
        steps.Dispose();

        // 24 jobs at most 7 a step: Start's step and at least three more (7, 7 and 3).
        Assert.True(steps.Count >= 4, $"{steps.Count} steps queued the 24 workers");
        var run = _host.Operations.GetRun(pipeline.Id, runId)!;
        var workers = run.Tasks.Where(t => t.TaskId.StartsWith('T')).ToList();
        Assert.Equal(24, workers.Count);
        Assert.All(workers, t => Assert.Equal(TaskState.Queued, t.State));
        Assert.All(workers, t => Assert.Single(t.JobIds));
        Assert.Equal(PriorityOrder(pipeline), InJobOrder(workers));
    }

    /// <summary>
    /// The order the workers of <see cref="WeightedFan"/> must be queued in, from the rule alone: declared weight
    /// descending, equal weights in the pipeline's topological order.
    /// </summary>
    internal static IReadOnlyList<string> PriorityOrder(PipelineDefinition pipeline)
    {
        var declared = WeightedFan.Weights.Select((weight, i) => (TaskId: $"T{i:00}", Weight: weight)).ToList();
        // The weights the test reads are the ones the pipeline declares.
        Assert.All(declared, t => Assert.Equal(t.Weight, pipeline.Tasks.Single(d => d.Id == t.TaskId).PriorityWeight));
        var topological = pipeline.Tasks.Select(d => d.Id).ToList();
        return declared.OrderByDescending(t => t.Weight).ThenBy(t => topological.IndexOf(t.TaskId)).Select(t => t.TaskId).ToList();
    }

    /// <summary>Task ids by their first job's id: Hangfire's job ids grow with creation, compared as numbers.</summary>
    internal static IReadOnlyList<string> InJobOrder(IEnumerable<TaskInstance> tasks) =>
        tasks.OrderBy(t => long.Parse(t.JobIds[0], System.Globalization.CultureInfo.InvariantCulture)).Select(t => t.TaskId).ToList();

    [Fact]
    public async Task Clearing_the_100_workers_runs_each_of_them_again_once_in_steps_of_7()
    {
        var run = await _host.RunAsync("fan_100", new NodaTime.LocalDate(2024, 6, 3), timeout: TimeSpan.FromMinutes(2));
        Assert.Equal(RunState.Success, run.State);
        // The clear makes the 100 workers and Join undecided and reopens the run; the step that cascades decides to run the
        // 100 at once: 7 get jobs, the other 93 stay undecided for the following steps.
        var workers = run.Tasks.Select(t => t.TaskId).Where(id => id.StartsWith('W')).ToArray();
        var cleared = _host.Operations.Clear("fan_100", run.RunId, workers, ClearScope.Downstream);
        Assert.Equal(101, cleared.Count);
        var rerun = await _host.WaitAsync("fan_100", run.RunId, TimeSpan.FromMinutes(2));
        Assert.Equal(RunState.Success, rerun.State);
        Assert.Equal(1, _host.Effects.Count(run.RunId, "Start"));
        Assert.All(workers, id => Assert.Equal(2, _host.Effects.Count(run.RunId, id)));
        Assert.All(workers, id => Assert.Equal(2, rerun[id].TryNumber));
        Assert.Equal(2, _host.Effects.Count(run.RunId, "Join"));
    }

    [Fact]
    public async Task A_mapped_task_over_30_elements_runs_each_instance_once_then_again_once_after_a_clear()
    {
        var parameters = new Dictionary<string, string> { ["files"] = "30" };
        var run = await _host.RunAsync("mapped", new NodaTime.LocalDate(2024, 6, 5), parameters, TimeSpan.FromMinutes(2));
        Assert.Equal(30, run.Instances["Load"].Length);
        Assert.All(run.Instances["Load"], i => Assert.Equal(TaskState.Success, i.State));
        Assert.All(run.Instances["Load"], i => Assert.Single(i.JobIds));
        Assert.All(Enumerable.Range(0, 30), i => Assert.Equal(1, _host.Effects.Count(run.RunId, "Load", "index" + i)));
        Assert.Equal(string.Join(",", Enumerable.Range(0, 30).Select(i => $"{i}:file{i}.csv")), System.Text.Json.JsonSerializer.Deserialize<string>(_host.Operations.GetOutput("mapped", run.RunId, "Report")!));

        // Clearing the mapped task expands it again: 30 instances queued again, 7 per step.
        _host.Operations.Clear("mapped", run.RunId, new[] { "Load" }, ClearScope.Task);
        var rerun = await _host.WaitAsync("mapped", run.RunId, TimeSpan.FromMinutes(2));
        Assert.All(rerun.Instances["Load"], i => Assert.Equal(TaskState.Success, i.State));
        Assert.All(Enumerable.Range(0, 30), i => Assert.Equal(2, _host.Effects.Count(run.RunId, "Load", "index" + i)));
        Assert.All(rerun.Instances["Load"], i => Assert.Equal(2, i.JobIds.Length));
    }
}

public sealed class InMemoryJobBudgetTests : JobBudgetTests
{
    protected override JobStorage CreateStorage() => PipelineHost.InMemoryStorage();
}

public sealed class PostgreSqlJobBudgetTests : JobBudgetTests, IClassFixture<PostgreSqlJobBudgetTests.Database>
{
    private readonly Database _database;

    public PostgreSqlJobBudgetTests(Database database) => _database = database;

    protected override JobStorage CreateStorage() => PipelineHost.PostgreSqlStorage(_database.ConnectionString);

    public sealed class Database() : PostgresDatabase("jobbudget");
}
