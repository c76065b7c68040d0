using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Hangfire;
using Hangfire.InMemory;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Pipelines.Hangfire;

namespace Pipelines.Testing;

/// <summary>
/// One run's private runtime: the test's services, the Pipelines runtime as <c>AddPipelines</c> registers it, an
/// in-memory Hangfire store and a job queue in place of Hangfire's client and server.
/// </summary>
internal sealed class TestSession : IDisposable
{
    private readonly PipelineDefinition _pipeline;
    private readonly ServiceProvider _provider;
    private readonly InMemoryStorage _storage;
    private readonly TaskJobQueue _jobs = new();
    private readonly TaskDataSerializer _serializer;

    public TestSession(PipelineDefinition pipeline, FakeClock clock, TaskDataSerializer? serializer, Action<IServiceCollection>? configureServices)
    {
        _pipeline = pipeline;
        Clock = clock;
        _serializer = serializer ?? TaskDataSerializer.Default;
        _storage = new InMemoryStorage();

        var services = new ServiceCollection();
        services.AddLogging();
        configureServices?.Invoke(services);
        services.AddSingleton<JobStorage>(_storage);
        services.AddSingleton<IBackgroundJobClient>(_jobs);
        services.AddPipelines(options =>
        {
            options.Pipelines = new[] { pipeline };
            options.Clock = clock;
            options.Serializer = _serializer;
            options.RegisterSchedules = false;
            options.DeliverNotifications = false;
            // A poke-mode sensor's wait between pokes moves the fake clock instead of sleeping.
            options.Wait = (wait, cancellationToken) =>
            {
                cancellationToken.ThrowIfCancellationRequested();
                clock.Advance(Duration.FromTimeSpan(wait));
                return Task.CompletedTask;
            };
        });
        _provider = services.BuildServiceProvider();
        Operations = _provider.GetRequiredService<PipelineOperations>();
        // A pipeline paused on creation would hold its tasks: a test runs it.
        if (pipeline.PausedOnCreation) Operations.Unpause(pipeline.Id);
    }

    public FakeClock Clock { get; }

    public PipelineOperations Operations { get; }

    public PipelineRun ReadRun(string runId) =>
        Operations.GetRun(_pipeline.Id, runId) ?? throw new InvalidOperationException($"Run '{runId}' of '{_pipeline.Id}' is missing from the test store.");

    /// <summary>Records upstream outputs as a task's own success would, for a task run on its own.</summary>
    public void WriteOutputs(string runId, IReadOnlyDictionary<string, string> outputs)
    {
        using var connection = _storage.GetConnection();
        using var transaction = connection.CreateWriteTransaction();
        foreach (var (taskId, json) in outputs) PipelineStore.SetOutput(transaction, _pipeline.Id, runId, taskId, json);
        transaction.Commit();
    }

    /// <summary>
    /// Runs the coordinator's jobs one at a time until <paramref name="done"/>: each when the runtime's own readiness says
    /// it is due (<see cref="TaskReadiness.StartDue"/>: at once, or after a retry delay or a poke interval), moving the
    /// fake clock forward to that moment first, then through <see cref="PipelineTaskJob.Run"/> as a server would.
    /// </summary>
    public async Task DriveAsync(string runId, Func<TaskJob, bool> runs, Func<PipelineRun, bool> done, int maxTries, CancellationToken cancellationToken)
    {
        var tries = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var run = ReadRun(runId);
            if (done(run)) return;
            if (Next(run, runs) is not var (job, due)) return;
            if (++tries > maxTries)
                throw new InvalidOperationException(
                    $"Run '{runId}' of '{_pipeline.Id}' did not end after {maxTries} tries and pokes (a sensor that is never satisfied, with a long timeout?). " +
                    $"Raise the limit with WithMaxTries, or give the sensor what it waits for. Next: {job.TaskId} try {job.TryNumber}, due {due}.");

            var now = Clock.GetCurrentInstant();
            if (due > now) Clock.Advance(due - now);
            _jobs.Remove(job);
            var taskJob = _provider.GetRequiredService<PipelineTaskJob>();
            try
            {
                // On a pool thread without the caller's synchronization context, as on a server's worker thread.
                await Task.Run(() => taskJob.Run(job.Try.Ids(), job.Try.Queue, null, cancellationToken), CancellationToken.None).ConfigureAwait(false);
            }
            catch (PipelineTaskFailedException)
            {
                // A failed try: the server's job fails so Hangfire shows it; here the task's state says it.
            }
        }
    }

    private (TaskJob Job, Instant Due)? Next(PipelineRun run, Func<TaskJob, bool> runs)
    {
        (TaskJob Job, Instant Due)? next = null;
        var now = Clock.GetCurrentInstant();
        foreach (var job in _jobs.Pending)
        {
            if (job.RunId != run.RunId || !runs(job)) continue;
            var instance = run[job.TaskId];
            var due = instance.TryNumber == job.TryNumber ? TaskReadiness.StartDue(MapKey.Definition(_pipeline, job.TaskId), instance, now) : now;
            if (next is null || due < next.Value.Due) next = (job, due);
        }
        return next;
    }

    public TaskTestResult Result(string runId, TaskInstance instance, string? label = null)
    {
        var output = Operations.GetOutput(_pipeline.Id, runId, instance.TaskId);
        var log = Operations.GetLog(_pipeline.Id, runId, instance.TaskId);
        return new TaskTestResult(_pipeline.Id, instance, string.IsNullOrEmpty(output) ? null : output, log, _serializer, label);
    }

    public void Dispose()
    {
        _provider.Dispose();
        _storage.Dispose();
    }
}
