using System.Net;
using System.Text.Json;
using global::Hangfire;
using global::Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

public sealed class OperationsTests
{
    [Fact]
    public async Task A_backfill_creates_one_run_per_date_and_never_runs_more_than_MaxActiveRuns_at_once()
    {
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Limited.Definition });
        var runIds = host.Operations.Backfill("limited", new LocalDate(2024, 1, 1), new LocalDate(2024, 1, 8));
        Assert.Equal(8, runIds.Count);
        Assert.Equal("backfill__2024-01-01", runIds[0]);
        var maxActive = 0;
        var finished = new List<PipelineRun>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (finished.Count < runIds.Count)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Only {finished.Count} of {runIds.Count} backfilled runs finished.");
            var runs = host.Operations.ListRuns("limited", 20);
            maxActive = Math.Max(maxActive, runs.Count(r => r.State == RunState.Running));
            finished = runs.Where(r => r.State.IsFinished()).ToList();
            await Task.Delay(10);
        }
        Assert.InRange(maxActive, 1, 2);
        Assert.All(finished, r => Assert.Equal(RunState.Success, r.State));
        Assert.Equal(RunKind.Backfill, finished[0].Kind);
        // Backfilling the same dates again creates nothing new.
        Assert.Equal(runIds, host.Operations.Backfill("limited", new LocalDate(2024, 1, 1), new LocalDate(2024, 1, 8)));
        Assert.Equal(8, host.Operations.ListRuns("limited", 100).Count);
    }

    [Fact]
    public async Task A_run_triggered_for_one_queue_sends_every_task_job_to_that_queue()
    {
        // The command line's --local creates its run this way, so only its own server (listening on that queue) works on it.
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Linear.Definition },
            services: s => s.AddHangfireServer((_, o) => { o.Queues = new[] { "cli-local" }; o.WorkerCount = 2; o.SchedulePollingInterval = TimeSpan.FromMilliseconds(200); }));
        var runId = host.Operations.Trigger("linear", new LocalDate(2024, 3, 12), queue: "cli-local");
        var run = await host.WaitAsync("linear", runId);
        Assert.Equal(RunState.Success, run.State);
        Assert.Null(run.Queue); // finished, the run forgets its queue: a later clear runs on the servers
        var monitoring = host.Storage.GetMonitoringApi();
        foreach (var task in run.Tasks)
        {
            var history = monitoring.JobDetails(Assert.Single(task.JobIds)).History;
            Assert.Contains(history, h => h.StateName == global::Hangfire.States.EnqueuedState.StateName && h.Data["Queue"] == "cli-local");
            Assert.DoesNotContain(history, h => h.StateName == global::Hangfire.States.EnqueuedState.StateName && h.Data["Queue"] != "cli-local");
        }
    }

    [Fact]
    public async Task Clearing_or_marking_a_finished_run_waits_for_a_slot_under_MaxActiveRuns()
    {
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Gated.Definition });
        var done = await host.RunAsync("gated", new LocalDate(2024, 2, 1));
        var marked = await host.RunAsync("gated", new LocalDate(2024, 2, 2));
        Assert.Equal(RunState.Success, done.State);

        host.Effects.Flags["hold"] = 1;
        var busy = host.Operations.Trigger("gated", new LocalDate(2024, 2, 5));
        await Poll.UntilAsync(() => host.Effects.Count(busy, "Work") == 1, "the busy run's Work to start");

        // The only slot is taken: the cleared run waits for it instead of running beside it. A mark that leaves nothing
        // to run needs no slot: the marked run's outcome follows its tasks at once.
        Assert.Equal(new[] { "Work" }, host.Operations.Clear("gated", done.RunId, new[] { "Work" }, ClearScope.Task));
        host.Operations.MarkState("gated", marked.RunId, "Work", TaskState.Failed);
        Assert.Equal(RunState.Queued, host.Operations.GetRun("gated", done.RunId)!.State);
        Assert.Equal(RunState.Failed, host.Operations.GetRun("gated", marked.RunId)!.State);
        Assert.Equal(1, host.Operations.ActiveRunCount("gated"));
        Assert.Equal(TaskState.None, host.Operations.GetRun("gated", done.RunId)!["Work"].State);

        host.Effects.Flags["hold"] = 0;
        var rerun = await host.WaitAsync("gated", done.RunId);
        Assert.Equal(RunState.Success, (await host.WaitAsync("gated", busy)).State);
        Assert.Equal(RunState.Success, rerun.State);
        Assert.Equal(2, rerun["Work"].TryNumber);
        Assert.Equal(2, host.Effects.Count(done.RunId, "Work"));
        Assert.Equal(1, host.Effects.Count(marked.RunId, "Work"));
        Assert.Equal(0, host.Operations.ActiveRunCount("gated"));

        // Marked back to success, the run is a success again, still without running anything.
        host.Operations.MarkState("gated", marked.RunId, "Work", TaskState.Success);
        Assert.Equal(RunState.Success, host.Operations.GetRun("gated", marked.RunId)!.State);
        Assert.Equal(1, host.Effects.Count(marked.RunId, "Work"));
    }

    [Fact]
    public async Task Marking_the_last_running_task_finishes_its_run_once_and_gives_the_slot_to_the_waiting_run()
    {
        var events = new RecordingNotifier();
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Gated.Definition },
            services: s => s.AddSingleton<IPipelineNotifier>(events));
        host.Effects.Flags["hold"] = 1;
        var first = host.Operations.Trigger("gated", new LocalDate(2024, 2, 1));
        await Poll.UntilAsync(() => host.Effects.Count(first, "Work") == 1, "the first run's Work to start");
        var second = host.Operations.Trigger("gated", new LocalDate(2024, 2, 2));
        Assert.Equal(RunState.Queued, host.Operations.GetRun("gated", second)!.State);

        host.Operations.MarkState("gated", first, "Work", TaskState.Success);
        Assert.Equal(RunState.Success, host.Operations.GetRun("gated", first)!.State);
        Assert.NotEqual(RunState.Queued, host.Operations.GetRun("gated", second)!.State);
        host.Effects.Flags["hold"] = 0;
        Assert.Equal(RunState.Success, (await host.WaitAsync("gated", second)).State);
        // The first run's job ends as a stale delivery; it must not finish the run again. Wait for the job to end and
        // for every event it could have caused to be delivered.
        using var connection = host.Storage.GetConnection();
        var firstJob = host.Operations.GetRun("gated", first)!["Work"].JobIds[0];
        await Poll.UntilAsync(() => connection.GetStateData(firstJob)?.Name, name => name == SucceededState.StateName || name == FailedState.StateName, "the first run's job to end");
        await Poll.UntilAsync(() => host.Services.GetRequiredService<NotificationDispatcher>().Idle, "every event to be delivered");
        Assert.Single(events.Events, e => e.Kind == PipelineEventKind.RunSucceeded && e.RunId == first);
    }

    [Fact]
    public async Task A_cleared_finished_run_whose_reopening_was_interrupted_is_reopened_by_the_reconciler()
    {
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Linear.Definition });
        var run = await host.RunAsync("linear", new LocalDate(2024, 2, 6));
        // The clear's own step, as Clear commits it, and then the process dies before reopening the run.
        var coordinator = host.Services.GetRequiredService<RunCoordinator>();
        coordinator.Update(Linear.Definition, run.RunId, work =>
        {
            work.Set(work["Load"] with { State = TaskState.None, Start = null, End = null, Reason = "Cleared." });
            work.ListAsUnfinished = true;
            return true;
        });
        Assert.Equal(RunState.Success, host.Operations.GetRun("linear", run.RunId)!.State);

        host.Services.GetRequiredService<PipelineReconciler>().Run();
        var again = await host.WaitAsync("linear", run.RunId);
        Assert.Equal(RunState.Success, again.State);
        Assert.Equal(2, again["Load"].TryNumber);
        Assert.Equal(2, host.Effects.Count(run.RunId, "Load"));
    }

    [Fact]
    public async Task Clearing_upstream_of_a_running_task_discards_its_stale_try_and_runs_it_again_on_the_new_data()
    {
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Relay.Definition });
        host.Effects.Flags["hold"] = 1;
        var runId = host.Operations.Trigger("relay", new LocalDate(2024, 2, 1));
        await Poll.UntilAsync(() => host.Effects.Count(runId, "Publish", "batch 1") == 1, "Publish to start on batch 1");

        // Publish is running on batch 1 when an operator clears Prepare and everything downstream of it.
        Assert.Equal(new[] { "Prepare", "Publish" }, host.Operations.Clear("relay", runId, new[] { "Prepare" }, ClearScope.Downstream));
        var publish = host.Operations.GetRun("relay", runId)!["Publish"];
        Assert.Equal(TaskState.Running, publish.State);
        Assert.True(publish.ClearRequested);
        Assert.Contains("that try's result will be discarded", publish.Reason, StringComparison.Ordinal);

        host.Effects.Flags["hold"] = 0;
        var run = await host.WaitAsync("relay", runId);
        Assert.Equal(RunState.Success, run.State);
        Assert.Equal(2, run["Prepare"].TryNumber);
        Assert.Equal(2, run["Publish"].TryNumber);
        Assert.False(run["Publish"].ClearRequested);
        Assert.Equal(1, host.Effects.Count(runId, "Publish", "batch 2"));
        Assert.Equal("\"published batch 2\"", host.Operations.GetOutput("relay", runId, "Publish"));
    }

    [Fact]
    public async Task Notifications_go_to_the_webhook_as_slack_json_on_retry_failure_and_manual_changes()
    {
        using var listener = LoopbackListener.Start("hook", out var hook);
        var received = new List<JsonElement>();
        var listening = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await listener.GetContextAsync(); } catch (HttpListenerException) { return; } catch (ObjectDisposedException) { return; }
                using (var reader = new StreamReader(context.Request.InputStream)) lock (received) received.Add(JsonDocument.Parse(reader.ReadToEnd()).RootElement.Clone());
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });

        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Exhausted.Definition },
            services: s => s.AddSingleton<IPipelineNotifier>(new WebhookNotifier(new HttpClient(), new Uri(hook))));
        var run = await host.RunAsync("exhausted");
        Assert.Equal(RunState.Failed, run.State);
        host.Operations.MarkState("exhausted", run.RunId, "AlwaysFails", TaskState.Success);
        await host.WaitAsync("exhausted", run.RunId);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            lock (received) if (received.Count >= 4) break;
            await Task.Delay(50);
        }
        listener.Stop();
        List<JsonElement> messages;
        lock (received) messages = received.ToList();
        var kinds = messages.Select(m => m.GetProperty("kind").GetString()).ToList();
        Assert.Contains("TaskRetry", kinds);
        Assert.Contains("TaskFailed", kinds);
        Assert.Contains("RunFailed", kinds);
        Assert.Contains("ManualChange", kinds);
        var failure = messages.First(m => m.GetProperty("kind").GetString() == "TaskFailed");
        Assert.Equal(":red_circle: exhausted.AlwaysFails " + run.RunId + ": failed. Failed on try 2, the last of 2: InvalidOperationException: the vendor file is corrupt.", failure.GetProperty("text").GetString());
        Assert.Equal("exhausted", failure.GetProperty("pipeline").GetString());
    }

    [Fact]
    public async Task The_reconciler_enqueues_a_task_whose_job_was_lost()
    {
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Linear.Definition });
        var run = await host.RunAsync("linear");
        // Simulate a crash between recording "queued" and creating the job: Load is queued, the run is running, no job exists.
        var coordinator = host.Services.GetRequiredService<RunCoordinator>();
        coordinator.Update(Linear.Definition, run.RunId, work =>
        {
            work.Set(work["Load"] with { State = TaskState.Queued, TryNumber = 2, JobIds = System.Collections.Immutable.ImmutableArray<string>.Empty, Start = null, End = null });
            work.RunState = RunState.Running;
            work.RunStateChanged = true;
            return true;
        });
        var stuck = host.Operations.GetRun("linear", run.RunId)!;
        Assert.Equal(RunState.Running, stuck.State);
        Assert.Null(stuck["Load"].CurrentJobId);

        Assert.Equal(1, host.Services.GetRequiredService<PipelineReconciler>().Run());
        // The reconciler's sentence lasts until a worker starts the new job, which may be at once: the job is what stays.
        var requeued = host.Operations.GetRun("linear", run.RunId)!["Load"];
        Assert.NotNull(requeued.CurrentJobId);
        Assert.True(requeued.Reason!.StartsWith("Re-enqueued by the reconciler: its job (none) was missing.", StringComparison.Ordinal)
            || requeued.State is TaskState.Running or TaskState.Success, requeued.Reason);
        var repaired = await host.WaitAsync("linear", run.RunId);
        Assert.Equal(new[] { requeued.CurrentJobId }, repaired["Load"].JobIds);
        Assert.Equal(RunState.Success, repaired.State);
        Assert.Equal(2, host.Effects.Count(run.RunId, "Load"));
        Assert.Equal(2, repaired["Load"].TryNumber);
    }

    [Fact]
    public async Task The_reconciler_gives_a_lost_retry_a_job_due_when_its_retry_period_ends()
    {
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Linear.Definition });
        var run = await host.RunAsync("linear");
        // Load failed a moment ago and waits 5 minutes (the default retry delay) for try 2, but its scheduled job is gone.
        var coordinator = host.Services.GetRequiredService<RunCoordinator>();
        var failedAt = coordinator.Clock.GetCurrentInstant();
        coordinator.Update(Linear.Definition, run.RunId, work =>
        {
            work.Set(work["Load"] with { State = TaskState.UpForRetry, TryNumber = 2, JobIds = System.Collections.Immutable.ImmutableArray<string>.Empty, End = failedAt });
            work.RunState = RunState.Running;
            work.RunStateChanged = true;
            return true;
        });

        Assert.Equal(1, host.Services.GetRequiredService<PipelineReconciler>().Run());
        var repaired = host.Operations.GetRun("linear", run.RunId)!["Load"];
        Assert.Equal(TaskState.UpForRetry, repaired.State);
        var job = host.Storage.GetMonitoringApi().JobDetails(repaired.CurrentJobId!);
        var scheduled = Assert.Single(job.History, h => h.StateName == global::Hangfire.States.ScheduledState.StateName);
        var enqueueAt = global::Hangfire.Common.JobHelper.DeserializeDateTime(scheduled.Data["EnqueueAt"]);
        Assert.InRange(enqueueAt, failedAt.ToDateTimeUtc().AddMinutes(5).AddSeconds(-2), failedAt.ToDateTimeUtc().AddMinutes(5).AddSeconds(2));
    }

    [Fact]
    public async Task The_reconciler_fails_the_try_of_a_task_left_running_by_a_job_that_ended()
    {
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Linear.Definition });
        var run = await host.RunAsync("linear");
        // Simulate a worker whose result was never recorded: Load is running under a job that no longer exists.
        var coordinator = host.Services.GetRequiredService<RunCoordinator>();
        coordinator.Update(Linear.Definition, run.RunId, work =>
        {
            work.Set(work["Load"] with { State = TaskState.Running, TryNumber = 2, JobIds = System.Collections.Immutable.ImmutableArray.Create("no-such-job"), Start = work.Now - Duration.FromMinutes(10), End = null });
            work.RunState = RunState.Running;
            work.RunStateChanged = true;
            return true;
        });
        Assert.Equal(1, host.Services.GetRequiredService<PipelineReconciler>().Run());
        var repaired = host.Operations.GetRun("linear", run.RunId)!;
        Assert.Equal(RunState.Failed, repaired.State);
        Assert.StartsWith("Failed on try 2: its job no-such-job ended (missing) without recording a result; the try was last heard from at ", repaired["Load"].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_pipelines_and_tasks_are_refused_with_the_known_names()
    {
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Linear.Definition });
        var error = Assert.Throws<KeyNotFoundException>(() => host.Operations.Trigger("lineer", new LocalDate(2024, 1, 1)));
        Assert.Equal("No pipeline has the id 'lineer'. Known pipelines: linear.", error.Message);
        var run = await host.RunAsync("linear");
        var taskError = Assert.Throws<KeyNotFoundException>(() => host.Operations.Clear("linear", run.RunId, new[] { "Lod" }));
        Assert.Equal("Pipeline 'linear' has no task 'Lod'. Its tasks are: Extract, Transform, Load.", taskError.Message);
        Assert.Null(host.Operations.GetRun("linear", "manual__nope"));
    }
}

public sealed class RetentionTests
{
    [Fact]
    public async Task An_once_pipeline_runs_once_per_storage_even_after_retention_deleted_its_run()
    {
        // Durable storage, as a restart needs: a fresh database on the private PostgreSQL server.
        var database = PostgresServer.CreateDatabase("once");
        var effects = new SideEffects();
        var clock = new NodaTime.Testing.FakeClock(Instant.FromUtc(2024, 6, 3, 12, 0)) { AutoAdvance = Duration.FromMilliseconds(1) };
        void Configure(PipelinesOptions o)
        {
            o.Clock = clock;
            o.RegisterSchedules = true;
        }

        await using (var first = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(database), new[] { OneOffMigration.Definition }, effects, Configure))
        {
            var run = await first.WaitAsync("one_off_migration", "scheduled__once");
            Assert.Equal(RunState.Success, run.State);
            Assert.Equal(new LocalDate(2024, 6, 3), run.LogicalDate);
            clock.Advance(Duration.FromDays(60));
            Assert.Equal(1, first.Services.GetRequiredService<PipelineReconciler>().DeleteExpiredRuns(Duration.FromDays(30)));
        }

        // The app restarts on the same storage: the run is gone, and the migration does not run again.
        await using (var second = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(database), new[] { OneOffMigration.Definition }, effects, Configure))
        {
            Assert.Empty(second.Operations.ListRuns("one_off_migration"));
            Assert.Equal(1, effects.Count("scheduled__once", "Migrate"));
        }
        PostgresServer.DropDatabase(database);
    }

    [Fact]
    public async Task Finished_runs_are_kept_until_the_retention_period_has_passed()
    {
        var clock = new NodaTime.Testing.FakeClock(Instant.FromUtc(2024, 3, 8, 12, 0)) { AutoAdvance = Duration.FromMilliseconds(1) };
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Linear.Definition }, configure: o =>
        {
            o.Clock = clock;
            o.Retention = Duration.FromDays(30);
        });
        var old = await host.RunAsync("linear", new LocalDate(2024, 3, 8));
        clock.Advance(Duration.FromDays(29));
        var recent = await host.RunAsync("linear", new LocalDate(2024, 4, 6));
        var reconciler = host.Services.GetRequiredService<PipelineReconciler>();

        Assert.Equal(0, reconciler.DeleteExpiredRuns(Duration.FromDays(30)));
        clock.Advance(Duration.FromDays(2));
        Assert.Equal(1, reconciler.DeleteExpiredRuns(Duration.FromDays(30)));

        Assert.Null(host.Operations.GetRun("linear", old.RunId));
        Assert.Null(host.Operations.GetOutput("linear", old.RunId, "Load"));
        Assert.NotNull(host.Operations.GetRun("linear", recent.RunId));
        Assert.Equal(new[] { recent.RunId }, host.Operations.ListRuns("linear").Select(r => r.RunId));
    }

    [Fact]
    public async Task Retention_deletes_runs_made_before_a_task_was_added_to_the_pipeline()
    {
        var clock = new NodaTime.Testing.FakeClock(Instant.FromUtc(2024, 3, 8, 12, 0)) { AutoAdvance = Duration.FromMilliseconds(1) };
        var database = PostgresServer.CreateDatabase("growing");
        var before = Airflow.SmallDag.Build("growing", new[] { Airflow.SmallDag.T("Extract"), Airflow.SmallDag.T("Load", "Extract") });
        var after = Airflow.SmallDag.Build("growing", new[] { Airflow.SmallDag.T("Extract"), Airflow.SmallDag.T("Load", "Extract"), Airflow.SmallDag.T("Audit", "Load") });
        string oldRun;
        await using (var first = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(database), new[] { before }, configure: o => o.Clock = clock))
            oldRun = (await first.RunAsync("growing", new LocalDate(2024, 3, 8))).RunId;

        // The app is deployed with a new task: the old run has no record of it, and must still expire.
        await using (var second = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(database), new[] { after }, configure: o => o.Clock = clock))
        {
            Assert.Equal(TaskState.None, second.Operations.GetRun("growing", oldRun)!["Audit"].State);
            clock.Advance(Duration.FromDays(31));
            Assert.Equal(1, second.Services.GetRequiredService<PipelineReconciler>().DeleteExpiredRuns(Duration.FromDays(30)));
            Assert.Null(second.Operations.GetRun("growing", oldRun));
        }
        PostgresServer.DropDatabase(database);
    }

    [Fact]
    public async Task Retention_reaches_expired_runs_behind_more_than_500_older_runs_that_must_stay()
    {
        var clock = new NodaTime.Testing.FakeClock(Instant.FromUtc(2024, 6, 1, 12, 0)) { AutoAdvance = Duration.FromMilliseconds(1) };
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Linear.Definition }, configure: o => o.Clock = clock);
        var now = clock.GetCurrentInstant();
        using (var connection = host.Storage.GetConnection())
        using (var transaction = connection.CreateWriteTransaction())
        {
            // 520 runs of old logical dates that a backfill finished just now, and 30 of later dates that ended 60 days ago.
            for (var i = 0; i < 550; i++)
            {
                var date = new LocalDate(2021, 1, 1).PlusDays(i);
                var ended = i < 520 ? now : now - Duration.FromDays(60);
                var run = new PipelineRun("linear", $"backfill__{date:yyyy-MM-dd}", RunKind.Backfill, date, new Interval(null, null), new Dictionary<string, string>(),
                    RunState.Success, ended - Duration.FromMinutes(1), ended - Duration.FromMinutes(1), ended, System.Collections.Immutable.ImmutableArray<TaskInstance>.Empty);
                PipelineStore.WriteRun(transaction, run);
                transaction.AddToSet(PipelineStore.RunsKey("linear"), run.RunId, PipelineStore.Score(date, run.CreatedAt));
            }
            transaction.Commit();
        }
        Assert.Equal(30, host.Services.GetRequiredService<PipelineReconciler>().DeleteExpiredRuns(Duration.FromDays(30)));
        Assert.Equal(520, host.Operations.ListRuns("linear", 1000).Count);
    }
}
