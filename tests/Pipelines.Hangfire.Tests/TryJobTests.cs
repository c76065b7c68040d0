using global::Hangfire;
using global::Hangfire.Common;
using global::Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// A try's Hangfire job (<see cref="TryJob"/>): its two arguments, the jobs stored in the earlier layout of eight, which a
/// server of this version must still run, and the name Hangfire's dashboard gives each.
/// </summary>
public sealed class TryJobTests
{
    [Fact]
    public async Task A_job_stored_in_the_earlier_layout_runs_its_try_and_keeps_its_queue()
    {
        // The app's client writes every try's job as the version before TryJob did (Execute, one argument per id and the
        // logical date), as jobs queued before an upgrade are stored; a real server then runs them.
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Linear.Definition },
            services: s => s.AddSingleton<IBackgroundJobClient>(p => new EarlierLayoutClient(new BackgroundJobClient(p.GetRequiredService<JobStorage>()))));
        var run = await host.RunAsync("linear");

        Assert.Equal(RunState.Success, run.State);
        foreach (var task in new[] { "Extract", "Transform", "Load" }) Assert.Equal(1, host.Effects.Count(run.RunId, task));
        using var connection = host.Storage.GetConnection();
        var load = connection.GetJobData(Assert.Single(run["Load"].JobIds))!;
        // Stored as the earlier version stored it, and run by it: Execute, one argument per id.
        Assert.Equal(nameof(PipelineTaskJob.Execute), load.Job.Method.Name);
        Assert.Equal(new object?[] { "linear", run.RunId, "Load", 1, "loads" }, load.Job.Args.Take(5));
        // Requeued from Hangfire's dashboard, it goes back to its task's queue, and its ended try stays as it was.
        var loadId = run["Load"].JobIds[0];
        Assert.True(new BackgroundJobClient(host.Storage).Requeue(loadId));
        var history = await Poll.UntilAsync(() => host.Storage.GetMonitoringApi().JobDetails(loadId).History,
            h => h.Count(s => s.StateName == EnqueuedState.StateName) == 2 && h[0].StateName == SucceededState.StateName, "the requeued job to succeed again");
        Assert.All(history.Where(h => h.StateName == EnqueuedState.StateName), h => Assert.Equal("loads", h.Data["Queue"]));
        Assert.Equal(1, host.Effects.Count(run.RunId, "Load"));
        Assert.True(TryJob.TryRead(load.Job, out var read));
        Assert.Equal(new TryJob("linear", run.RunId, "Load", 1, "loads"), read);
    }

    [Fact]
    public void Both_layouts_read_back_as_the_same_try_and_show_the_same_name_in_the_dashboard()
    {
        var current = new TryJob("nightly_dataload", "scheduled__2026-12-01", "Load[2]", 3, "loads");
        var earlier = new Job(typeof(PipelineTaskJob), typeof(PipelineTaskJob).GetMethod(nameof(PipelineTaskJob.Execute))!,
            "nightly_dataload", "scheduled__2026-12-01", "Load[2]", 3, "loads", "2026-12-01", null, CancellationToken.None);
        var name = new TryJobDisplayNameAttribute();

        foreach (var job in new[] { current.ToJob(), earlier })
        {
            Assert.True(TryJob.TryRead(job, out var read));
            Assert.Equal(current, read);
            Assert.Equal("nightly_dataload.Load[2] [scheduled__2026-12-01] try 3", name.Format(null!, job));
        }
        Assert.Equal("linear.Load [manual__2024-03-11__1]", name.Format(null!, new TryJob("linear", "manual__2024-03-11__1", "Load", 1, "default").ToJob()));
        Assert.False(TryJob.TryRead(Job.FromExpression(() => Console.WriteLine("not a try")), out _));
    }

    [Fact]
    public void An_ids_argument_of_another_shape_is_refused_with_the_layout_it_needs()
    {
        var error = Assert.Throws<ArgumentException>(() => TryJob.FromArguments(new[] { "linear", "manual__1", "Load" }, "default"));
        Assert.StartsWith("A try's job names its try as [pipeline id, run id, task id, try number]; this one has [linear, manual__1, Load].", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => TryJob.FromArguments(new[] { "linear", "manual__1", "Load", "0" }, "default"));
        Assert.Throws<ArgumentException>(() => TryJob.FromArguments(new[] { "linear", "manual__1", "Load", "one" }, "default"));
    }

    /// <summary>Creates a try's job as the version before <see cref="TryJob"/> did; every other job as it is.</summary>
    private sealed class EarlierLayoutClient(IBackgroundJobClient inner) : IBackgroundJobClient
    {
        public string Create(Job job, IState state)
        {
            if (TryJob.TryRead(job, out var t))
            {
                job = new Job(typeof(PipelineTaskJob), typeof(PipelineTaskJob).GetMethod(nameof(PipelineTaskJob.Execute))!,
                    t.Value.PipelineId, t.Value.RunId, t.Value.TaskId, t.Value.TryNumber, t.Value.Queue, "a logical date", null, CancellationToken.None);
            }
            return inner.Create(job, state);
        }

        public bool ChangeState(string jobId, IState state, string expectedState) => inner.ChangeState(jobId, state, expectedState);
    }
}
