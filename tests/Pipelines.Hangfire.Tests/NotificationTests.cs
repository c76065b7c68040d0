using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// Notifications are delivered at least once: kept in Hangfire's storage with the step that caused them, retried when a
/// notifier fails, in order per run, and drained when a host stops. What is sent follows Airflow's callbacks: a retry,
/// a failure, a success per task, and the run's end; tasks that never ran (upstream failed) send nothing.
/// </summary>
public sealed class NotificationTests
{
    private static readonly (PipelineEventKind, string?, string)[] s_linear =
    {
        (PipelineEventKind.TaskSucceeded, "Extract", "success"),
        (PipelineEventKind.TaskSucceeded, "Transform", "success"),
        (PipelineEventKind.TaskSucceeded, "Load", "success"),
        (PipelineEventKind.RunSucceeded, null, "success"),
    };

    private static readonly (PipelineEventKind, string?, string)[] s_exhausted =
    {
        (PipelineEventKind.TaskRetry, "AlwaysFails", "up_for_retry"),
        (PipelineEventKind.TaskFailed, "AlwaysFails", "failed"),
        (PipelineEventKind.TaskSucceeded, "Cleanup", "success"), // trigger rule all_done
        (PipelineEventKind.RunFailed, null, "failed"),
    };

    [Fact]
    public async Task A_notifier_that_fails_twice_then_succeeds_receives_each_event_once_in_order_per_run()
    {
        var notifier = new FlakyNotifier(failures: 2);
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Linear.Definition, Exhausted.Definition },
            configure: o => o.NotificationRetryDelay = TimeSpan.FromMilliseconds(50),
            services: s => s.AddSingleton<IPipelineNotifier>(notifier));

        var linear = await host.RunAsync("linear");
        var failed = await host.RunAsync("exhausted");
        await Poll.UntilAsync(() => Dispatcher(host).Idle, "every event to be delivered");

        Assert.Equal(s_linear, Sent(notifier, linear.RunId));
        Assert.Equal(s_exhausted, Sent(notifier, failed.RunId));
        Assert.Equal(s_linear.Length + s_exhausted.Length, notifier.Received.Count);
        Assert.Equal(notifier.Received.Count + 2, notifier.Attempts);
    }

    [Fact]
    public async Task A_host_that_does_not_deliver_leaves_every_event_to_the_servers_that_do()
    {
        // An operator's watch-only command (or a dashboard-only app) has only the logging notifier: if it delivered, it
        // would take the events off the outbox before the servers' webhook sent them.
        var database = PostgresServer.CreateDatabase("outboxwatch");
        try
        {
            // The watcher's own notifier hears nothing: the events are stored all the same, for the servers' notifiers.
            var watcher = new FlakyNotifier(hears: _ => false);
            string runId;
            await using (var watching = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(database), new[] { Exhausted.Definition },
                configure: o => o.DeliverNotifications = false,
                services: s => s.AddSingleton<IPipelineNotifier>(watcher)))
            {
                runId = (await watching.RunAsync("exhausted")).RunId;
                Assert.Equal(s_exhausted.Length, Dispatcher(watching).Pending);
            }
            Assert.Empty(watcher.Received);

            var webhook = new FlakyNotifier();
            await using var server = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(database), new[] { Exhausted.Definition },
                services: s => s.AddSingleton<IPipelineNotifier>(webhook));
            await Poll.UntilAsync(() => Dispatcher(server).Idle, "the server to deliver the events");
            Assert.Equal(s_exhausted, Sent(webhook, runId));
        }
        finally
        {
            PostgresServer.DropDatabase(database);
        }
    }

    [Fact]
    public async Task Events_left_by_a_host_stopped_before_delivering_them_are_delivered_by_the_next_host_on_the_same_PostgreSQL_storage()
    {
        var database = PostgresServer.CreateDatabase("outbox");
        try
        {
            var down = new FlakyNotifier { Down = true };
            string runId;
            await using (var first = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(database), new[] { Exhausted.Definition },
                configure: o => { o.NotificationRetryDelay = TimeSpan.FromMilliseconds(50); o.NotificationDrainTimeout = TimeSpan.Zero; },
                services: s => s.AddSingleton<IPipelineNotifier>(down)))
            {
                runId = (await first.RunAsync("exhausted")).RunId;
            }
            Assert.Empty(down.Received);

            var up = new FlakyNotifier();
            await using var second = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(database), new[] { Exhausted.Definition },
                configure: o => o.NotificationRetryDelay = TimeSpan.FromMilliseconds(50),
                services: s => s.AddSingleton<IPipelineNotifier>(up));
            await Poll.UntilAsync(() => Dispatcher(second).Idle, "the second host to deliver the first host's events");

            Assert.Equal(s_exhausted, Sent(up, runId));
            Assert.Equal(s_exhausted.Length, up.Received.Count);
        }
        finally
        {
            PostgresServer.DropDatabase(database);
        }
    }

    [Fact]
    public async Task Two_servers_on_one_PostgreSQL_storage_deliver_each_event_once()
    {
        var database = PostgresServer.CreateDatabase("outbox");
        try
        {
            // One notifier behind both servers, as one webhook is behind a fleet: it must hear each event once.
            var notifier = new FlakyNotifier();
            await using var first = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(database), new[] { Linear.Definition },
                services: s => s.AddSingleton<IPipelineNotifier>(notifier));
            await using var second = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(database), new[] { Linear.Definition },
                services: s => s.AddSingleton<IPipelineNotifier>(notifier));

            var runIds = Enumerable.Range(1, 6).Select(day => first.Operations.Trigger("linear", new LocalDate(2024, 4, day))).ToList();
            foreach (var runId in runIds) await second.WaitAsync("linear", runId);
            // Either server may deliver a run's events: wait for every one to arrive, then for both to be idle, so a
            // duplicate still on its way would arrive before the count below.
            await Poll.UntilAsync(() => notifier.Received.Count >= runIds.Count * s_linear.Length && Dispatcher(first).Idle && Dispatcher(second).Idle,
                "every event to be delivered");

            Assert.All(runIds, runId => Assert.Equal(s_linear, Sent(notifier, runId)));
            Assert.Equal(runIds.Count * s_linear.Length, notifier.Received.Count);
        }
        finally
        {
            PostgresServer.DropDatabase(database);
        }
    }

    [Fact]
    public async Task Stopping_the_host_delivers_the_events_still_waiting_for_a_retry()
    {
        var notifier = new FlakyNotifier { Down = true };
        var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Exhausted.Definition },
            configure: o => o.NotificationRetryDelay = TimeSpan.FromSeconds(2),
            services: s => s.AddSingleton<IPipelineNotifier>(notifier));
        string runId;
        try
        {
            runId = (await host.RunAsync("exhausted")).RunId;
            await Poll.UntilAsync(() => notifier.Attempts > 0, "a first delivery to fail");
            notifier.Down = false;
        }
        finally
        {
            await host.DisposeAsync();
        }

        Assert.Equal(s_exhausted, Sent(notifier, runId));
    }

    [Fact]
    public async Task Events_of_another_apps_pipeline_are_left_on_the_outbox_for_the_servers_that_have_its_callbacks()
    {
        var notifier = new FlakyNotifier();
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Linear.Definition },
            configure: o => o.NotificationRetryDelay = TimeSpan.FromMilliseconds(50),
            services: s => s.AddSingleton<IPipelineNotifier>(notifier));
        using (var connection = host.Storage.GetConnection())
        using (var transaction = connection.CreateWriteTransaction())
        {
            NotificationOutbox.Write(transaction, new[] { new PipelineEvent(PipelineEventKind.RunFailed, "other_app", "manual__2024-11-27__0", null, "failed", "The other app's run failed.", NodaTime.Instant.FromUtc(2024, 11, 27, 12, 0)) });
            transaction.Commit();
        }

        var linear = await host.RunAsync("linear");
        await Poll.UntilAsync(() => Dispatcher(host).Pending == 1, "this app's events to be delivered");
        Dispatcher(host).DeliverDue(CancellationToken.None);

        Assert.Equal(1, Dispatcher(host).Pending);
        Assert.DoesNotContain(notifier.Received, e => e.PipelineId == "other_app");
        Assert.Contains(notifier.Received, e => e.RunId == linear.RunId && e.Kind == PipelineEventKind.RunSucceeded);
    }

    [Fact]
    public async Task A_failing_notifiers_progress_is_kept_in_one_hash_for_the_run_which_goes_with_the_runs_last_event()
    {
        var notifier = new FlakyNotifier { Down = true };
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Exhausted.Definition },
            configure: o => o.NotificationRetryDelay = TimeSpan.FromMilliseconds(200),
            services: s => s.AddSingleton<IPipelineNotifier>(notifier));
        var runId = (await host.RunAsync("exhausted")).RunId;
        var runKey = NotificationOutbox.RunKey("exhausted", runId);
        var notifierField = typeof(FlakyNotifier).FullName + "#0";

        using var connection = NotificationOutbox.Connect(host.Storage);
        var first = NotificationOutbox.Read(connection, runKey)[0];
        Assert.True(first.ProgressInRunHash);
        Assert.Equal((PipelineEventKind.TaskRetry, "AlwaysFails"), (first.Event.Kind, first.Event.TaskId));
        string? Progress() => connection.GetAllEntriesFromHash(NotificationOutbox.RunDeliveryKey(runKey))?
            .GetValueOrDefault(NotificationOutbox.DeliveryField(first.Id, notifierField));
        // Tried and failed: "<tries>|<next try>", in the run's hash and in no hash of the event's own.
        await Poll.UntilAsync(() => Progress() is { } p && System.Text.RegularExpressions.Regex.IsMatch(p, @"^[1-9][0-9]*\|2\d{3}-"), "a failed try and the next one's time to be stored");
        Assert.Null(connection.GetAllEntriesFromHash(NotificationOutbox.DeliveryKey(first.Id)));
        Assert.Empty(notifier.Received);

        notifier.Down = false;
        await Poll.UntilAsync(() => Dispatcher(host).Idle, "every event to be delivered");
        Assert.Equal(s_exhausted, Sent(notifier, runId));
        // The last pass's commit takes the hash, the list's rest and the index entry together.
        await Poll.UntilAsync(() => connection.GetAllEntriesFromHash(NotificationOutbox.RunDeliveryKey(runKey)) is null, "the run's delivery hash to go");
        Assert.Equal(0, connection.GetListCount(runKey));
        Assert.DoesNotContain(runKey, connection.GetAllItemsFromSet(NotificationOutbox.IndexKey));
    }

    [Fact]
    public async Task An_event_stored_with_its_own_delivery_hash_by_an_older_version_is_sent_only_to_the_notifiers_that_lack_it()
    {
        // Before the run's delivery hash, each event kept its notifiers' progress in a hash of its own and its stored
        // text had no Progress field. Here the first notifier already has the event and the second failed it once.
        var had = new FlakyNotifier();
        var lacks = new FlakyNotifier();
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Linear.Definition },
            configure: o => o.NotificationRetryDelay = TimeSpan.FromMilliseconds(50),
            services: s => s.AddSingleton<IPipelineNotifier>(had).AddSingleton<IPipelineNotifier>(lacks));
        var runKey = NotificationOutbox.RunKey("linear", "manual__2024-11-27__0");
        const string EventId = "0f8fad5bd9cb469fa16570867728950e";
        var legacy = $$"""{"Id":"{{EventId}}","Kind":"RunFailed","Pipeline":"linear","Run":"manual__2024-11-27__0","Task":null,"State":"failed","Message":"The run failed.","At":"{{PipelineStore.Format(Instant.FromUtc(2024, 11, 27, 12, 0))}}"}""";
        using (var connection = host.Storage.GetConnection())
        using (var transaction = connection.CreateWriteTransaction())
        {
            transaction.InsertToList(runKey, legacy);
            transaction.AddToSet(NotificationOutbox.IndexKey, runKey);
            transaction.SetRangeInHash(NotificationOutbox.DeliveryKey(EventId), new Dictionary<string, string>
            {
                [typeof(FlakyNotifier).FullName + "#0"] = "delivered",
                [typeof(FlakyNotifier).FullName + "#1"] = "1|" + PipelineStore.Format(Instant.FromUtc(2024, 11, 27, 12, 1)),
            });
            transaction.Commit();
        }
        Dispatcher(host).Wake();

        await Poll.UntilAsync(() => Dispatcher(host).Idle, "the older event to be delivered");
        Assert.Empty(had.Received);
        Assert.Equal(new[] { (PipelineEventKind.RunFailed, (string?)null, "failed") }, Sent(lacks, "manual__2024-11-27__0"));
        using var after = NotificationOutbox.Connect(host.Storage);
        Assert.Null(after.GetAllEntriesFromHash(NotificationOutbox.DeliveryKey(EventId)));
    }

    [Fact]
    public async Task A_pass_stopped_by_shutdown_keeps_what_it_delivered_so_the_drain_does_not_send_it_again()
    {
        using var stopping = new CancellationTokenSource();
        var notifier = new StoppingNotifier(stopping, stopAtCall: 2);
        // Delivery by hand: the test makes the passes.
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Linear.Definition },
            configure: o => o.DeliverNotifications = false,
            services: s => s.AddSingleton<IPipelineNotifier>(notifier));
        var run = await host.RunAsync("linear");

        // The host stops during the second event's delivery: the pass ends there.
        Assert.ThrowsAny<OperationCanceledException>(() => Dispatcher(host).DeliverDue(stopping.Token));
        Assert.Single(notifier.Received);

        // The drain goes on from the second event: the first is not sent again.
        Dispatcher(host).DeliverDue(CancellationToken.None);
        Assert.Equal(s_linear, Sent(notifier.Received, run.RunId));
        Assert.Equal(0, Dispatcher(host).Pending);
    }

    [Fact]
    public async Task Only_the_events_a_notifier_hears_are_stored_and_each_notifier_is_called_with_only_those_it_hears()
    {
        // A webhook for failures, the way WebhookNotifier's default filter chooses (the log, at warnings in this host,
        // has no provider and hears nothing). Its first delivery is held, which holds the delivery loop, so the outbox
        // shows what the steps stored: the failures, and none of the successes.
        using var gate = new GatedNotifier(e => e.Kind is PipelineEventKind.TaskFailed or PipelineEventKind.RunFailed);
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Linear.Definition, Exhausted.Definition },
            services: s => s.AddSingleton<IPipelineNotifier>(gate));

        var failed = await host.RunAsync("exhausted");
        await Poll.UntilAsync(() => gate.Held, "the first failure's delivery to start");
        var linear = await host.RunAsync("linear");
        Assert.Equal(2, Dispatcher(host).Pending);

        gate.Open();
        await Poll.UntilAsync(() => Dispatcher(host).Idle, "the failures to be delivered");
        Assert.DoesNotContain(gate.Received, e => e.RunId == linear.RunId);
        Assert.Equal(new (PipelineEventKind, string?, string)[]
        {
            (PipelineEventKind.TaskFailed, "AlwaysFails", "failed"),
            (PipelineEventKind.RunFailed, null, "failed"),
        }, Sent(gate.Received, failed.RunId));

        // Beside a notifier that hears everything, every event is stored, and each notifier is called with what it hears.
        var everything = new FlakyNotifier();
        var onlyFailures = new FlakyNotifier(hears: e => e.Kind is PipelineEventKind.TaskFailed or PipelineEventKind.RunFailed);
        await using var both = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Exhausted.Definition },
            services: s => s.AddSingleton<IPipelineNotifier>(everything).AddSingleton<IPipelineNotifier>(onlyFailures));
        var run = await both.RunAsync("exhausted");
        await Poll.UntilAsync(() => Dispatcher(both).Idle, "every event to be delivered");
        Assert.Equal(s_exhausted, Sent(everything, run.RunId));
        Assert.Equal(2, onlyFailures.Attempts);
        Assert.Equal(new[] { PipelineEventKind.TaskFailed, PipelineEventKind.RunFailed }, onlyFailures.Received.Select(e => e.Kind));
    }

    [Fact]
    public async Task A_notifier_whose_choice_throws_hears_the_event_and_the_run_still_ends()
    {
        // A webhook filter written for task events: a run's own events have no task, and the filter throws on them.
        var notifier = new FlakyNotifier(hears: e => e.TaskId!.Length > 0);
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Linear.Definition },
            services: s => s.AddSingleton<IPipelineNotifier>(notifier));

        var run = await host.RunAsync("linear");
        Assert.Equal(RunState.Success, run.State);
        await Poll.UntilAsync(() => Dispatcher(host).Idle, "every event to be delivered");
        Assert.Equal(s_linear, Sent(notifier, run.RunId));
    }

    [Theory]
    [InlineData(LogLevel.Information, new[] { PipelineEventKind.TaskRetry, PipelineEventKind.TaskFailed, PipelineEventKind.TaskSucceeded, PipelineEventKind.RunSucceeded, PipelineEventKind.RunFailed, PipelineEventKind.ManualChange, PipelineEventKind.DeadlineMissed })]
    [InlineData(LogLevel.Warning, new[] { PipelineEventKind.TaskRetry, PipelineEventKind.TaskFailed, PipelineEventKind.RunFailed, PipelineEventKind.DeadlineMissed })]
    [InlineData(LogLevel.Error, new[] { PipelineEventKind.TaskFailed, PipelineEventKind.RunFailed, PipelineEventKind.DeadlineMissed })]
    [InlineData(LogLevel.None, new PipelineEventKind[0])]
    public void The_logging_notifier_hears_the_events_its_log_keeps(LogLevel minimum, PipelineEventKind[] heard)
    {
        var notifier = new LoggingNotifier(new LevelLogger(minimum));
        var kinds = Enum.GetValues<PipelineEventKind>()
            .Where(kind => notifier.Hears(new PipelineEvent(kind, "p", "r", "t", "s", "m", Instant.FromUnixTimeSeconds(0))));
        Assert.Equal(heard.Order(), kinds.Order());
    }

    /// <summary>A notifier whose first call waits until <see cref="Open"/> (holding the delivery loop, which calls notifiers one at a time).</summary>
    private sealed class GatedNotifier(Func<PipelineEvent, bool> hears) : IPipelineNotifier, IDisposable
    {
        private readonly ManualResetEventSlim _open = new();
        private readonly System.Collections.Concurrent.ConcurrentQueue<PipelineEvent> _received = new();
        private int _calls;

        public bool Held { get; private set; }

        public IReadOnlyList<PipelineEvent> Received => _received.ToArray();

        public bool Hears(PipelineEvent pipelineEvent) => hears(pipelineEvent);

        public Task NotifyAsync(PipelineEvent pipelineEvent, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                Held = true;
                _open.Wait(TimeSpan.FromSeconds(20), cancellationToken);
            }
            _received.Enqueue(pipelineEvent);
            return Task.CompletedTask;
        }

        public void Open() => _open.Set();

        public void Dispose()
        {
            _open.Set();
            _open.Dispose();
        }
    }

    /// <summary>A log that keeps what is at <c>minimum</c> or above, and nothing without a level.</summary>
    private sealed class LevelLogger(LogLevel minimum) : ILogger<LoggingNotifier>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
        }
    }

    /// <summary>A notifier during whose <c>stopAtCall</c>-th call the host stops (the token it is given is cancelled).</summary>
    private sealed class StoppingNotifier(CancellationTokenSource stopping, int stopAtCall) : IPipelineNotifier
    {
        private int _calls;

        public List<PipelineEvent> Received { get; } = new();

        public Task NotifyAsync(PipelineEvent pipelineEvent, CancellationToken cancellationToken)
        {
            if (++_calls == stopAtCall)
            {
                stopping.Cancel();
                cancellationToken.ThrowIfCancellationRequested();
            }
            Received.Add(pipelineEvent);
            return Task.CompletedTask;
        }
    }

    private static (PipelineEventKind, string?, string)[] Sent(IEnumerable<PipelineEvent> received, string runId) =>
        received.Where(e => e.RunId == runId).Select(e => (e.Kind, e.TaskId, e.State)).ToArray();

    private static NotificationDispatcher Dispatcher(PipelineHost host) => host.Services.GetRequiredService<NotificationDispatcher>();

    private static (PipelineEventKind, string?, string)[] Sent(FlakyNotifier notifier, string runId) =>
        notifier.Received.Where(e => e.RunId == runId).Select(e => (e.Kind, e.TaskId, e.State)).ToArray();
}
