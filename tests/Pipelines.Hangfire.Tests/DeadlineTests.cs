using System.Collections.Concurrent;
using System.Collections.Immutable;
using global::Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NodaTime;
using NodaTime.Testing;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// Deadlines at run time, as Airflow 3's Deadline Alerts: a run not finished (succeeded or failed) by its deadline
/// raises one DeadlineMissed, through the outbox to every notifier and the pipeline's own callbacks, and so does a
/// scheduled run that was never created because the pipeline was paused. Passes of the watcher are called by hand
/// (the reconciler's recurring job is removed), with a fake clock; tasks run on a real server.
/// </summary>
public sealed class DeadlineTests
{
    // 04:30 New York on Friday 2024-03-08: after the 04:00 occurrence of that day.
    private static readonly Instant FridayMorning = Instant.FromUtc(2024, 3, 8, 9, 30);

    // The "06:30" deadline of the 04:00 run of 2024-03-08 is the first 06:30 after its data interval ends: Friday 06:30 EST.
    private static readonly Instant FridaysDeadline = Instant.FromUtc(2024, 3, 8, 11, 30);

    [Theory]
    [InlineData(StorageKind.InMemory)]
    [InlineData(StorageKind.PostgreSql)]
    public async Task A_run_stuck_in_a_reschedule_sensor_past_its_deadline_raises_one_event_and_no_more_after_another_pass_or_a_restart(StorageKind kind)
    {
        var database = kind == StorageKind.PostgreSql ? PostgresServer.CreateDatabase("deadline") : null;
        try
        {
            var storage = Storage(kind, database);
            var clock = new FakeClock(FridayMorning);
            var calls = new CallbackCalls();
            var definition = Stuck("deadline_stuck", deadline: "06:30", new PipelineCallback(PipelineCallbackKind.DeadlineMissed, "OnLate", default, calls.Record("OnLate")));
            var notifier = new FlakyNotifier();
            string runId;
            PipelineHost? host = await StartAsync(storage, definition, clock, notifier, calls);
            try
            {
                runId = host.Scheduler.TickAt("deadline_stuck", clock.GetCurrentInstant()).Single();
                await WaitForPokeAsync(host, "deadline_stuck", runId);

                clock.Reset(FridaysDeadline - Duration.FromMinutes(1));
                Watcher(host).Pass();
                Assert.Empty(Missed(notifier));

                clock.Reset(FridaysDeadline + Duration.FromMinutes(1));
                Watcher(host).Pass();
                Watcher(host).Pass();
                await Poll.UntilAsync(() => Dispatcher(host).Idle, "the event to be delivered");

                var missed = Assert.Single(Missed(notifier));
                Assert.Equal(("deadline_stuck", runId, (string?)null), (missed.PipelineId, missed.RunId, missed.TaskId));
                Assert.Equal(FridaysDeadline, missed.At);
                Assert.Contains("06:30", missed.Message, StringComparison.Ordinal);
                Assert.Equal(1, calls.Count("OnLate"));
                Assert.Equal(RunState.Running, host.Operations.GetRun("deadline_stuck", runId)!.State);

                // In-memory storage lives in its host, so another server joins it; a PostgreSQL server restarts.
                if (kind == StorageKind.PostgreSql)
                {
                    await host.DisposeAsync();
                    host = null;
                }
                var second = new FlakyNotifier();
                await using var other = await StartAsync(host?.Storage ?? Storage(kind, database), definition, clock, second, calls);
                clock.Reset(FridaysDeadline + Duration.FromMinutes(2));
                Watcher(other).Pass();
                await Poll.UntilAsync(() => Dispatcher(other).Idle, "nothing left to deliver");
                Assert.Empty(Missed(second));
                Assert.Equal(1, calls.Count("OnLate"));
            }
            finally
            {
                if (host is not null) await host.DisposeAsync();
            }
        }
        finally
        {
            if (database is not null) PostgresServer.DropDatabase(database);
        }
    }

    [Theory]
    [InlineData(StorageKind.InMemory)]
    [InlineData(StorageKind.PostgreSql)]
    public async Task A_paused_pipelines_scheduled_run_that_was_never_created_raises_one_event_for_its_logical_date_and_counts_one_miss(StorageKind kind)
    {
        var database = kind == StorageKind.PostgreSql ? PostgresServer.CreateDatabase("deadline") : null;
        try
        {
            var clock = new FakeClock(Instant.FromUtc(2024, 3, 8, 8, 0));   // 03:00 New York, before the 04:00 occurrence
            var notifier = new FlakyNotifier();
            var counted = 0L;
            using var listener = new System.Diagnostics.Metrics.MeterListener();
            listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == PipelinesTelemetry.Name && instrument.Name == "pipelines.deadline.misses") l.EnableMeasurementEvents(instrument);
            };
            listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                    if (tag.Key == "cicd.pipeline.name" && Equals(tag.Value, "deadline_paused")) Interlocked.Add(ref counted, value);
            });
            listener.Start();
            await using var host = await StartAsync(Storage(kind, database), Stuck("deadline_paused", deadline: "06:30"), clock, notifier);
            Assert.True(host.Operations.Pause("deadline_paused"));
            Watcher(host).Pass();   // starts watching now

            clock.Reset(FridaysDeadline + Duration.FromMinutes(1));
            Assert.Empty(host.Scheduler.TickAt("deadline_paused", clock.GetCurrentInstant()));
            Watcher(host).Pass();
            Watcher(host).Pass();
            await Poll.UntilAsync(() => Dispatcher(host).Idle, "the event to be delivered");

            var missed = Assert.Single(Missed(notifier));
            Assert.Equal("scheduled__2024-03-08T04:00-05:00", missed.RunId);
            Assert.Equal("not_created", missed.State);
            Assert.Null(missed.TaskId);
            Assert.Empty(host.Operations.ListRuns("deadline_paused"));
            Assert.Equal(1, Interlocked.Read(ref counted));
        }
        finally
        {
            if (database is not null) PostgresServer.DropDatabase(database);
        }
    }

    [Fact]
    public async Task Scheduled_runs_no_server_created_over_a_weekend_across_the_spring_change_raise_one_event_each()
    {
        var clock = new FakeClock(Instant.FromUtc(2024, 3, 8, 8, 0));
        var notifier = new FlakyNotifier();
        await using var host = await StartAsync(PipelineHost.InMemoryStorage(), Stuck("deadline_down", deadline: "06:30"), clock, notifier);
        Watcher(host).Pass();

        // No tick ran until Monday 07:31 EDT: the 06:30 deadlines of Friday's to Monday's 04:00 runs have all passed,
        // Friday's and Saturday's at 06:30 EST, Sunday's and Monday's at 06:30 EDT.
        clock.Reset(Instant.FromUtc(2024, 3, 11, 11, 31));
        Watcher(host).Pass();
        await Poll.UntilAsync(() => Dispatcher(host).Idle, "the events to be delivered");

        Assert.Equal(
            new[] { "scheduled__2024-03-08T04:00-05:00", "scheduled__2024-03-09T04:00-05:00", "scheduled__2024-03-10T04:00-04:00", "scheduled__2024-03-11T04:00-04:00" },
            Missed(notifier).Select(e => e.RunId).Order(StringComparer.Ordinal));
        Assert.Equal(
            new[] { Instant.FromUtc(2024, 3, 8, 11, 30), Instant.FromUtc(2024, 3, 9, 11, 30), Instant.FromUtc(2024, 3, 10, 10, 30), Instant.FromUtc(2024, 3, 11, 10, 30) },
            Missed(notifier).Select(e => e.At).Order());
        Assert.Equal(0, Watcher(host).Pass());
    }

    [Fact]
    public async Task With_retention_a_miss_is_forgotten_once_it_is_older_than_retention_and_the_watchers_look_back()
    {
        var clock = new FakeClock(Instant.FromUtc(2024, 3, 8, 8, 0));
        var notifier = new FlakyNotifier();
        await using var host = await StartAsync(PipelineHost.InMemoryStorage(), Stuck("deadline_pruned", deadline: "06:30"), clock, notifier,
            retention: Duration.FromDays(1));
        Assert.True(host.Operations.Pause("deadline_pruned"));
        Watcher(host).Pass();
        clock.Reset(FridaysDeadline + Duration.FromMinutes(1));
        Watcher(host).Pass();
        Assert.Equal(new[] { "scheduled__2024-03-08T04:00-05:00" }, host.Operations.MissedDeadlines("deadline_pruned").Keys);

        // 31 days of look-back and two days of slack later, it goes; the dates the walk still reaches stay (and are raised once).
        clock.Reset(FridaysDeadline + Duration.FromDays(34));
        Watcher(host).Pass();
        var left = host.Operations.MissedDeadlines("deadline_pruned");
        Assert.DoesNotContain("scheduled__2024-03-08T04:00-05:00", left.Keys);
        Assert.All(left.Values, deadline => Assert.True(deadline > clock.GetCurrentInstant() - Duration.FromDays(33)));
        Assert.Equal(0, Watcher(host).Pass());
    }

    [Fact]
    public async Task A_run_finished_before_its_deadline_raises_nothing()
    {
        var clock = new FakeClock(Instant.FromUtc(2024, 3, 8, 8, 0));
        var notifier = new FlakyNotifier();
        var pipeline = Build("deadline_on_time", "06:30", "0 4 * * *", new TaskDefinition { Index = 0, Id = "Load" }, _ => TaskOutcome.Completed(null));
        await using var host = await StartAsync(PipelineHost.InMemoryStorage(), pipeline, clock, notifier);
        Watcher(host).Pass();

        clock.Reset(FridayMorning);
        var runId = host.Scheduler.TickAt("deadline_on_time", clock.GetCurrentInstant()).Single();
        Assert.Equal(RunState.Success, (await host.WaitAsync("deadline_on_time", runId)).State);

        clock.Reset(FridaysDeadline + Duration.FromHours(1));
        Assert.Equal(0, Watcher(host).Pass());
        await Poll.UntilAsync(() => Dispatcher(host).Idle, "the run's events to be delivered");
        Assert.Empty(Missed(notifier));
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(host)).Status);
    }

    [Fact]
    public async Task A_task_past_its_deadline_raises_one_event_naming_it_and_a_task_done_in_time_none()
    {
        var clock = new FakeClock(FridayMorning);
        var notifier = new FlakyNotifier();
        var tasks = new[]
        {
            new TaskDefinition { Index = 0, Id = "Extract", Downstream = ImmutableArray.Create(1), Deadline = "05:00" },
            Sensor(1, "Wait", upstream: 0, downstream: 2),
            new TaskDefinition { Index = 2, Id = "Load", Upstream = ImmutableArray.Create(1), Deadline = "05:00" },
        };
        var pipeline = Build("deadline_task", null, null, tasks, t => t == 1 ? TaskOutcome.Sensor(false) : TaskOutcome.Completed(null));
        await using var host = await StartAsync(PipelineHost.InMemoryStorage(), pipeline, clock, notifier);
        var runId = host.Operations.Trigger("deadline_task", new LocalDate(2024, 3, 8));
        await WaitForPokeAsync(host, "deadline_task", runId);

        clock.Reset(Instant.FromUtc(2024, 3, 9, 10, 1));   // Saturday 05:01 EST
        Watcher(host).Pass();
        Watcher(host).Pass();
        await Poll.UntilAsync(() => Dispatcher(host).Idle, "the event to be delivered");

        var missed = Assert.Single(Missed(notifier));
        Assert.Equal((runId, "Load", "none"), (missed.RunId, missed.TaskId, missed.State));
        Assert.Equal(Instant.FromUtc(2024, 3, 9, 10, 0), missed.At);
        // A task deadline alone does not put the run past its deadline: the pipeline has none.
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(host)).Status);
    }

    [Fact]
    public async Task The_health_check_is_degraded_naming_a_run_past_its_deadline_and_the_run_records_the_deadline_it_missed()
    {
        var clock = new FakeClock(FridayMorning);
        await using var host = await StartAsync(PipelineHost.InMemoryStorage(), Stuck("deadline_health", deadline: "06:30"), clock, new FlakyNotifier());
        var runId = host.Scheduler.TickAt("deadline_health", clock.GetCurrentInstant()).Single();
        await WaitForPokeAsync(host, "deadline_health", runId);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(host)).Status);

        clock.Reset(FridaysDeadline + Duration.FromMinutes(5));
        var degraded = await CheckAsync(host);
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Contains($"Run '{runId}' of 'deadline_health' is running past its deadline 2024-03-08T11:30:00Z (5 min ago)", degraded.Description, StringComparison.Ordinal);

        Watcher(host).Pass();
        Assert.Equal(FridaysDeadline, host.Operations.MissedDeadline("deadline_health", runId));
        Assert.Equal(FridaysDeadline, host.Operations.GetRun("deadline_health", runId)!.MissedDeadline);
        Assert.Equal(FridaysDeadline, Assert.Single(host.Operations.ListRuns("deadline_health")).MissedDeadline);
    }

    // ---- building blocks ----------------------------------------------------------------------------------------

    internal static PipelineDefinition Stuck(string id, string? deadline, params PipelineCallback[] callbacks) => Build(id, deadline, "0 4 * * *",
        new[] { Sensor(0, "Wait", upstream: null, downstream: 1), new TaskDefinition { Index = 1, Id = "Load", Upstream = ImmutableArray.Create(0) } },
        t => t == 0 ? TaskOutcome.Sensor(false) : TaskOutcome.Completed(null), callbacks);

    /// <summary>A sensor in reschedule mode that pokes every 200 ms and times out only after a week of the fake clock.</summary>
    private static TaskDefinition Sensor(int index, string id, int? upstream, int downstream) => new()
    {
        Index = index,
        Id = id,
        Kind = TaskKind.Sensor,
        Upstream = upstream is { } u ? ImmutableArray.Create(u) : ImmutableArray<int>.Empty,
        Downstream = ImmutableArray.Create(downstream),
        Sensor = new SensorSettings(TimeSpan.FromMilliseconds(200), TimeSpan.FromDays(7), false, SensorMode.Reschedule),
    };

    internal static PipelineDefinition Build(string id, string? deadline, string? schedule, TaskDefinition task, Func<int, TaskOutcome> does) =>
        Build(id, deadline, schedule, new[] { task }, does);

    internal static PipelineDefinition Build(string id, string? deadline, string? schedule, TaskDefinition[] tasks, Func<int, TaskOutcome> does, params PipelineCallback[] callbacks) =>
        new(id, typeof(DeadlineTests), tasks.ToImmutableArray(), (index, _) => ValueTask.FromResult(does(index)))
        {
            Schedule = schedule,
            TimeZone = "America/New_York",
            Deadline = deadline,
            Callbacks = callbacks.ToImmutableArray(),
        };

    private static JobStorage Storage(StorageKind kind, string? database) =>
        kind == StorageKind.PostgreSql ? PipelineHost.PostgreSqlStorage(database!) : PipelineHost.InMemoryStorage();

    private static async Task<PipelineHost> StartAsync(JobStorage storage, PipelineDefinition pipeline, FakeClock clock, FlakyNotifier notifier, CallbackCalls? calls = null, Duration? retention = null)
    {
        var host = await PipelineHost.StartAsync(storage, new[] { pipeline },
            configure: o => { o.Clock = clock; o.NotificationRetryDelay = TimeSpan.FromMilliseconds(50); o.Retention = retention; },
            services: s =>
            {
                s.AddSingleton<IPipelineNotifier>(notifier);
                s.AddSingleton(calls ?? new CallbackCalls());
                s.AddHealthChecks().AddPipelinesHealthChecks();
            });
        // Passes are called by hand: the recurring reconciler would pass whenever a real minute turns.
        host.Services.GetRequiredService<IRecurringJobManager>().RemoveIfExists(PipelinesStartup.ReconcilerJobId);
        return host;
    }

    private static Task WaitForPokeAsync(PipelineHost host, string pipelineId, string runId) =>
        // A hang guard, not a timing: a stuck sensor stays stuck, and a CI run under full load once took over 30 s here.
        Poll.UntilAsync(() => Describe(host, pipelineId, runId), seen => seen.Waiting, "the sensor to wait for its next poke", TimeSpan.FromSeconds(90));

    /// <summary>The run's tasks as a failed wait reports them: state, try, reason, and the Hangfire state of each task's newest job.</summary>
    private static RunSeen Describe(PipelineHost host, string pipelineId, string runId)
    {
        var run = host.Operations.GetRun(pipelineId, runId)!;
        var monitoring = host.Storage.GetMonitoringApi();
        var tasks = run.Tasks.Select(t =>
        {
            var job = t.JobIds.IsDefaultOrEmpty ? null : monitoring.JobDetails(t.JobIds[^1])?.History.FirstOrDefault();
            return $"{t.TaskId} {t.State.Name()} try {t.TryNumber} ({t.Reason}); job {(t.JobIds.IsDefaultOrEmpty ? "none" : t.JobIds[^1])} {job?.StateName} {job?.Reason}";
        });
        return new RunSeen(run.Tasks.Any(t => t.State == TaskState.UpForReschedule), $"run {run.State.Name()}: " + string.Join("; ", tasks));
    }

    private sealed record RunSeen(bool Waiting, string Text)
    {
        public override string ToString() => Text;
    }

    internal static DeadlineWatcher Watcher(PipelineHost host) => host.Services.GetRequiredService<DeadlineWatcher>();

    internal static NotificationDispatcher Dispatcher(PipelineHost host) => host.Services.GetRequiredService<NotificationDispatcher>();

    private static List<PipelineEvent> Missed(FlakyNotifier notifier) => notifier.Received.Where(e => e.Kind == PipelineEventKind.DeadlineMissed).ToList();

    private static async Task<HealthReportEntry> CheckAsync(PipelineHost host)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "pipelines-deadlines");
        return report.Entries["pipelines-deadlines"];
    }
}

/// <summary>Counts the calls of hand-written callbacks, and fails the first calls of the ones told to.</summary>
public sealed class CallbackCalls
{
    private readonly ConcurrentDictionary<string, int> _calls = new();
    private readonly ConcurrentDictionary<string, int> _failuresLeft = new();
    private readonly ConcurrentQueue<(string Method, PipelineEvent Event)> _events = new();

    /// <summary>Makes <paramref name="method"/>'s first <paramref name="failures"/> calls throw.</summary>
    public void Fail(string method, int failures) => _failuresLeft[method] = failures;

    public int Count(string method) => _events.Count(e => e.Method == method);

    public int Attempts(string method) => _calls.GetValueOrDefault(method);

    public IReadOnlyList<PipelineEvent> EventsOf(string method) => _events.Where(e => e.Method == method).Select(e => e.Event).ToList();

    /// <summary>A callback that records its event, resolving this recorder from the scope it is given as generated code does.</summary>
    public PipelineCallbackInvoker Record(string method) => (services, pipelineEvent, _) =>
    {
        var self = services.GetRequiredService<CallbackCalls>();
        self._calls.AddOrUpdate(method, 1, (_, n) => n + 1);
        if (self._failuresLeft.AddOrUpdate(method, -1, (_, n) => n - 1) >= 0)
            throw new InvalidOperationException($"{method} fails");
        self._events.Enqueue((method, pipelineEvent));
        return ValueTask.CompletedTask;
    };
}
