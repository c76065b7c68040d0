using global::Hangfire;
using NodaTime;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>Many servers, one PostgreSQL database: coordination under the per-run lock makes every side effect happen once.</summary>
public sealed class ConcurrencyTests : IClassFixture<PostgreSqlRuntimeTests.Database>
{
    private readonly PostgreSqlRuntimeTests.Database _database;

    public ConcurrencyTests(PostgreSqlRuntimeTests.Database database) => _database = database;

    [Fact]
    public async Task Two_servers_run_50_concurrent_fan_in_runs_with_every_side_effect_exactly_once()
    {
        var effects = new SideEffects();
        var pipelines = new[] { FanIn.Definition };
        await using var first = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(_database.ConnectionString), pipelines, effects, workers: 10, serverName: "server-a");
        await using var second = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(_database.ConnectionString), pipelines, effects, workers: 10, serverName: "server-b");

        var runIds = Enumerable.Range(0, 50)
            .Select(i => (i % 2 == 0 ? first : second).Operations.Trigger("fan_in", new LocalDate(2024, 1, 1).PlusDays(i)))
            .ToList();
        var runs = new List<PipelineRun>();
        foreach (var id in runIds) runs.Add(await first.WaitAsync("fan_in", id, TimeSpan.FromMinutes(4)));

        Assert.All(runs, run => Assert.Equal(RunState.Success, run.State));
        foreach (var run in runs)
        {
            foreach (var task in run.Tasks)
            {
                Assert.Equal(1, effects.Count(run.RunId, task.TaskId));
                Assert.Equal(TaskState.Success, task.State);
                Assert.Single(task.JobIds);
            }
            Assert.Equal("15", first.Operations.GetOutput("fan_in", run.RunId, "Join"));
        }
        Assert.Equal(50 * 8, effects.Counts.Count);
        // Both servers did work.
        var servers = runs.SelectMany(r => r.Tasks).Select(t => t.Server!.Split(':')[0]).Distinct().ToList();
        Assert.Contains(servers, s => s.StartsWith("server-a", StringComparison.Ordinal));
        Assert.Contains(servers, s => s.StartsWith("server-b", StringComparison.Ordinal));
    }
}
