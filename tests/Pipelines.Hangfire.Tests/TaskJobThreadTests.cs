using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// Where a try runs: on the Hangfire worker's own thread, not on the thread pool. Hangfire 1.8 runs a job method that
/// returns a task on the pool (its default TaskScheduler) and blocks the worker on it; the try's coordination blocks on
/// the run's lock and on storage, so as such a job every busy worker held a pool thread, and a step holding the run's
/// lock that needed the pool (Npgsql writes a batch's later statements there when called synchronously) waited seconds
/// behind them, until the pool grew. A task body up to its first await shows which thread the job ran on.
/// </summary>
public sealed class TaskJobThreadTests
{
    [Fact]
    public async Task A_try_runs_on_the_hangfire_workers_own_thread_with_the_default_server_options()
    {
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { ThreadProbe.Definition }, workers: 4);
        var run = await host.RunAsync("thread_probe");

        Assert.Equal(RunState.Success, run.State);
        Assert.Equal(1, host.Effects.Count(run.RunId, "Plain", "dedicated"));
        Assert.Equal(1, host.Effects.Count(run.RunId, "Awaiting", "dedicated"));
        Assert.Equal(0, host.Effects.Count(run.RunId, "Plain", "pool") + host.Effects.Count(run.RunId, "Awaiting", "pool"));
    }
}
