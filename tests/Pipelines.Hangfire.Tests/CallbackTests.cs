using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// A pipeline's callbacks (<c>[OnFailure]</c>, <c>[OnSuccess]</c>, <c>[OnRetry]</c>, <c>[OnDeadlineMissed]</c>; written by
/// hand here as the generator emits them) are called once per event they hear, through the outbox: at least once, a
/// failing one retried alone, never changing a task's or run's state.
/// </summary>
public sealed class CallbackTests
{
    private static PipelineCallback Callback(CallbackCalls calls, PipelineCallbackKind kind, string method, params string[] tasks) =>
        new(kind, method, tasks.ToImmutableArray(), calls.Record(method));

    /// <summary>Flaky (one retry, then fails for good) → Cleanup (all_done) and Report (all_success, upstream failed).</summary>
    private static PipelineDefinition Failing(params PipelineCallback[] callbacks) => new(
        "callbacks_failing", typeof(CallbackTests), ImmutableArray.Create(
            new TaskDefinition { Index = 0, Id = "Flaky", Retries = 1, RetryDelay = TimeSpan.FromMilliseconds(100), Downstream = ImmutableArray.Create(1, 2) },
            new TaskDefinition { Index = 1, Id = "Cleanup", Trigger = TriggerRule.AllDone, Upstream = ImmutableArray.Create(0) },
            new TaskDefinition { Index = 2, Id = "Report", Upstream = ImmutableArray.Create(0) }),
        (index, _) => index == 0 ? throw new InvalidOperationException("the vendor is down") : ValueTask.FromResult(TaskOutcome.Completed(null)))
    {
        Callbacks = callbacks.ToImmutableArray(),
    };

    private static PipelineDefinition Succeeding(params PipelineCallback[] callbacks) => new(
        "callbacks_succeeding", typeof(CallbackTests), ImmutableArray.Create(
            new TaskDefinition { Index = 0, Id = "Extract", Downstream = ImmutableArray.Create(1) },
            new TaskDefinition { Index = 1, Id = "Load", Upstream = ImmutableArray.Create(0) }),
        (_, _) => ValueTask.FromResult(TaskOutcome.Completed(null)))
    {
        Callbacks = callbacks.ToImmutableArray(),
    };

    [Fact]
    public async Task Failure_callbacks_fire_once_pipeline_wide_on_the_failed_run_and_per_task_only_for_the_task_they_name_and_retry_once_per_retry()
    {
        var calls = new CallbackCalls();
        var pipeline = Failing(
            Callback(calls, PipelineCallbackKind.Failure, "OnRunFailed"),
            Callback(calls, PipelineCallbackKind.Failure, "OnFlakyFailed", "Flaky"),
            Callback(calls, PipelineCallbackKind.Failure, "OnCleanupFailed", "Cleanup"),
            Callback(calls, PipelineCallbackKind.Retry, "OnRetry"),
            Callback(calls, PipelineCallbackKind.Success, "OnRunSucceeded"),
            Callback(calls, PipelineCallbackKind.Success, "OnCleanupSucceeded", "Cleanup"));
        await using var host = await StartAsync(pipeline, calls);

        var run = await host.RunAsync("callbacks_failing");
        await Poll.UntilAsync(() => Dispatcher(host).Idle, "every event to be delivered");

        Assert.Equal(RunState.Failed, run.State);
        var runFailed = Assert.Single(calls.EventsOf("OnRunFailed"));
        Assert.Equal((PipelineEventKind.RunFailed, run.RunId, (string?)null), (runFailed.Kind, runFailed.RunId, runFailed.TaskId));
        Assert.Equal("Flaky", Assert.Single(calls.EventsOf("OnFlakyFailed")).TaskId);
        Assert.Equal(0, calls.Count("OnCleanupFailed"));
        var retry = Assert.Single(calls.EventsOf("OnRetry"));
        Assert.Equal((PipelineEventKind.TaskRetry, "Flaky"), (retry.Kind, retry.TaskId));
        Assert.Equal(0, calls.Count("OnRunSucceeded"));
        Assert.Equal(PipelineEventKind.TaskSucceeded, Assert.Single(calls.EventsOf("OnCleanupSucceeded")).Kind);
    }

    [Fact]
    public async Task Success_callbacks_fire_once_for_the_run_and_once_for_the_task_they_name()
    {
        var calls = new CallbackCalls();
        var pipeline = Succeeding(
            Callback(calls, PipelineCallbackKind.Success, "OnRunSucceeded"),
            Callback(calls, PipelineCallbackKind.Success, "OnLoadSucceeded", "Load"),
            Callback(calls, PipelineCallbackKind.Failure, "OnRunFailed"),
            Callback(calls, PipelineCallbackKind.DeadlineMissed, "OnLate"));
        await using var host = await StartAsync(pipeline, calls);

        var run = await host.RunAsync("callbacks_succeeding");
        await Poll.UntilAsync(() => Dispatcher(host).Idle, "every event to be delivered");

        Assert.Equal(RunState.Success, run.State);
        Assert.Equal(PipelineEventKind.RunSucceeded, Assert.Single(calls.EventsOf("OnRunSucceeded")).Kind);
        Assert.Equal("Load", Assert.Single(calls.EventsOf("OnLoadSucceeded")).TaskId);
        Assert.Equal(0, calls.Count("OnRunFailed"));
        Assert.Equal(0, calls.Count("OnLate"));
    }

    [Theory]
    [InlineData(StorageKind.InMemory)]
    [InlineData(StorageKind.PostgreSql)]
    public async Task A_callback_that_throws_is_retried_alone_until_it_succeeds_and_does_not_change_the_run(StorageKind kind)
    {
        var database = kind == StorageKind.PostgreSql ? PostgresServer.CreateDatabase("callbacks") : null;
        try
        {
            await ThrowingCallbackIsRetriedAlone(database is null ? PipelineHost.InMemoryStorage() : PipelineHost.PostgreSqlStorage(database));
        }
        finally
        {
            if (database is not null) PostgresServer.DropDatabase(database);
        }
    }

    private static async Task ThrowingCallbackIsRetriedAlone(global::Hangfire.JobStorage storage)
    {
        var calls = new CallbackCalls();
        calls.Fail("OnRunSucceeded", failures: 2);
        var notifier = new FlakyNotifier();
        var pipeline = Succeeding(
            Callback(calls, PipelineCallbackKind.Success, "OnRunSucceeded"),
            Callback(calls, PipelineCallbackKind.Success, "OnLoadSucceeded", "Load"));
        await using var host = await StartAsync(pipeline, calls, notifier, storage);

        var run = await host.RunAsync("callbacks_succeeding");
        await Poll.UntilAsync(() => Dispatcher(host).Idle, "every event to be delivered");

        Assert.Equal(3, calls.Attempts("OnRunSucceeded"));
        Assert.Equal(1, calls.Count("OnRunSucceeded"));
        Assert.Equal(1, calls.Attempts("OnLoadSucceeded"));
        Assert.Equal(1, notifier.Received.Count(e => e.Kind == PipelineEventKind.RunSucceeded));
        var after = host.Operations.GetRun("callbacks_succeeding", run.RunId)!;
        Assert.Equal(RunState.Success, after.State);
        Assert.All(after.Tasks, t => Assert.Equal(TaskState.Success, t.State));
    }

    private static async Task<PipelineHost> StartAsync(PipelineDefinition pipeline, CallbackCalls calls, FlakyNotifier? notifier = null, global::Hangfire.JobStorage? storage = null) =>
        await PipelineHost.StartAsync(storage ?? PipelineHost.InMemoryStorage(), new[] { pipeline },
            configure: o => o.NotificationRetryDelay = TimeSpan.FromMilliseconds(50),
            services: s =>
            {
                s.AddSingleton(calls);
                if (notifier is not null) s.AddSingleton<IPipelineNotifier>(notifier);
            });

    private static NotificationDispatcher Dispatcher(PipelineHost host) => host.Services.GetRequiredService<NotificationDispatcher>();
}

/// <summary>The same callbacks written as attributes on a generated pipeline, on a real server.</summary>
public sealed class GeneratedCallbackTests
{
    [Fact]
    public async Task Generated_callbacks_are_called_once_per_event_they_hear_with_the_event_and_a_service()
    {
        var heard = new TestPipelines.HeardEvents();
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { TestPipelines.GeneratedCallbacks.Definition },
            configure: o => o.NotificationRetryDelay = TimeSpan.FromMilliseconds(50),
            services: s => s.AddSingleton(heard));

        var run = await host.RunAsync("generated_callbacks");
        await Poll.UntilAsync(() => host.Services.GetRequiredService<NotificationDispatcher>().Idle, "every event to be delivered");

        // Fetch retries once then fails; Tidy (all_done) succeeds; Publish is upstream_failed, a leaf, so the run fails.
        Assert.Equal(RunState.Failed, run.State);
        var calls = heard.Heard.ToArray();
        Assert.Equal(
            new[] { ("Retrying", PipelineEventKind.TaskRetry, "Fetch"), ("FetchFailed", PipelineEventKind.TaskFailed, "Fetch"), ("Tidied", PipelineEventKind.TaskSucceeded, "Tidy"), ("RunFailed", PipelineEventKind.RunFailed, (string?)null) }
                .OrderBy(c => c.Item1),
            calls.Select(c => (c.Method, c.Event.Kind, c.Event.TaskId)).OrderBy(c => c.Method));
        Assert.All(calls, c => Assert.Equal(run.RunId, c.Event.RunId));
    }
}
