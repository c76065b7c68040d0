using global::Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// The steps that queue what a step left over its job budget can fail (the run's lock is busy past the timeout): the
/// tasks stay undecided with their trigger rule met, and the reconciler's pass queues them, each once, highest priority
/// weight first. Run on InMemory and PostgreSQL.
/// </summary>
public abstract class JobBudgetRecoveryTests : IAsyncLifetime
{
    private readonly LogCapture _log = new();
    private PipelineHost _host = null!;

    protected abstract JobStorage CreateStorage();

    public async Task InitializeAsync()
    {
        // A short lock timeout, so the deferred steps give up quickly on the lock the test holds.
        _host = await PipelineHost.StartAsync(CreateStorage(), new[] { WeightedFan.Definition },
            configure: o => { o.MaxJobsPerStep = 7; o.LockTimeout = TimeSpan.FromSeconds(1); },
            services: s => s.AddSingleton<ILoggerProvider>(_log));
        // Only the pass the test calls may queue the tasks the failed loop left: a minutely pass falling in between
        // would make "still undecided" untrue.
        _host.Services.GetRequiredService<IRecurringJobManager>().RemoveIfExists(PipelinesStartup.ReconcilerJobId);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public void Deferred_steps_that_cannot_take_the_lock_leave_their_tasks_undecided_and_the_reconcilers_pass_queues_each_once_by_weight()
    {
        // A held run whose Start the test ends (see JobBudgetTests): no worker runs, so the tasks' states are only what
        // the coordination steps made them.
        var pipeline = WeightedFan.Definition;
        var runId = _host.Operations.Trigger(pipeline.Id, new NodaTime.LocalDate(2024, 6, 8), queue: "held");
        var coordinator = _host.Services.GetRequiredService<RunCoordinator>();
        var running = coordinator.BeginTry(pipeline, runId, "Start", 1, null, "test");
        Assert.NotNull(running);

        // When Start's step has committed and released the run's lock (its duration is recorded then, on the thread that
        // ends the try, before the deferred steps begin), another connection takes the lock and keeps it until released:
        // every deferred step then times out.
        var testThread = Environment.CurrentManagedThreadId;
        var steps = 0;
        Thread? holder = null;
        Exception? holderError = null;
        using var taken = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) => { if (instrument == PipelinesTelemetry.StepDuration) l.EnableMeasurementEvents(instrument); };
        listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            if (Environment.CurrentManagedThreadId != testThread) return;
            var ours = false;
            foreach (var tag in tags) ours |= tag.Key == PipelinesTelemetry.PipelineName && Equals(tag.Value, pipeline.Id);
            if (!ours || Interlocked.Increment(ref steps) != 1) return;
            holder = new Thread(() =>
            {
                try
                {
                    using var connection = _host.Storage.GetConnection();
                    using var held = StorageLocks.Acquire(_host.Storage, connection, PipelineStore.RunLock(pipeline.Id, runId), TimeSpan.FromSeconds(30));
                    taken.Set();
                    release.Wait();
                }
                catch (Exception ex)
                {
                    holderError = ex;
                }
                finally
                {
                    taken.Set();
                }
            }) { IsBackground = true, Name = "run lock holder" };
            holder.Start();
            taken.Wait();
        });
        listener.Start();
        try
        {
            coordinator.CompleteTry(pipeline, runId, "Start", 1, null, running.Execution, TryResult.Succeeded(TaskOutcome.Completed(null)));
            listener.Dispose();
            Assert.Null(holderError);
            // Only Start's step committed; the first deferred step timed out on the lock and ended the loop.
            Assert.Equal(1, steps);
            Assert.IsType<global::Hangfire.Storage.DistributedLockTimeoutException>(Assert.Single(_log.Of("DeferredNotQueued")));

            // Still under the test's lock, so nothing can have moved the run since: the 7 highest weights are queued, one
            // job each; the other 17 are undecided, with no job.
            var order = JobBudgetTests.PriorityOrder(pipeline);
            var run = _host.Operations.GetRun(pipeline.Id, runId)!;
            var queued = run.Tasks.Where(t => t.State == TaskState.Queued).ToList();
            Assert.Equal(order.Take(7), JobBudgetTests.InJobOrder(queued));
            Assert.All(queued, t => Assert.Single(t.JobIds));
            var undecided = order.Skip(7).Select(id => run[id]).ToList();
            Assert.Equal(17, undecided.Count);
            Assert.All(undecided, t => Assert.Equal(TaskState.None, t.State));
            Assert.All(undecided, t => Assert.True(t.JobIds.IsDefaultOrEmpty, $"{t.TaskId} has jobs {string.Join(",", t.JobIds)}"));
        }
        finally
        {
            release.Set();
            holder?.Join();
        }
        Assert.Null(holderError);

        // The reconciler's pass cascades the run: the 17 are decided and queued, 7 a step again, highest weight first.
        _host.Services.GetRequiredService<PipelineReconciler>().Run();
        var after = _host.Operations.GetRun(pipeline.Id, runId)!;
        var workers = after.Tasks.Where(t => t.TaskId.StartsWith('T')).ToList();
        Assert.Equal(24, workers.Count);
        Assert.All(workers, t => Assert.Equal(TaskState.Queued, t.State));
        Assert.All(workers, t => Assert.Single(t.JobIds));
        Assert.Equal(JobBudgetTests.PriorityOrder(pipeline), JobBudgetTests.InJobOrder(workers));
        Assert.Single(_log.Of("DeferredNotQueued"));
    }

    /// <summary>The log events written (by name, with their exception), for the coordination warnings a test expects.</summary>
    private sealed class LogCapture : ILoggerProvider, ILogger
    {
        private readonly List<(string Name, Exception? Exception)> _events = new();

        public IReadOnlyList<Exception?> Of(string eventName)
        {
            lock (_events) return _events.Where(e => e.Name == eventName).Select(e => e.Exception).ToList();
        }

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_events) _events.Add((eventId.Name ?? "", exception));
        }

        public void Dispose()
        {
        }
    }
}

public sealed class InMemoryJobBudgetRecoveryTests : JobBudgetRecoveryTests
{
    protected override JobStorage CreateStorage() => PipelineHost.InMemoryStorage();
}

public sealed class PostgreSqlJobBudgetRecoveryTests : JobBudgetRecoveryTests, IClassFixture<PostgreSqlJobBudgetRecoveryTests.Database>
{
    private readonly Database _database;

    public PostgreSqlJobBudgetRecoveryTests(Database database) => _database = database;

    protected override JobStorage CreateStorage() => PipelineHost.PostgreSqlStorage(_database.ConnectionString);

    public sealed class Database() : PostgresDatabase("jobbudgetrecovery");
}
