using Microsoft.Extensions.Logging;
using global::Hangfire;
using global::Hangfire.States;
using NodaTime;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// End-to-end behaviour on a real Hangfire BackgroundJobServer. Each storage runs the same specification
/// (see <see cref="InMemoryRuntimeTests"/> and <see cref="PostgreSqlRuntimeTests"/>).
/// </summary>
public abstract class RuntimeTests : IAsyncLifetime
{
    private static readonly PipelineDefinition[] All =
    {
        Linear.Definition, Diamond.Definition, Retries.Definition, Exhausted.Definition, Timeouts.Definition, Clearable.Definition,
        LunchBot.Definition, Sensors.Definition, SensorTimeout.Definition, SensorSoftFail.Definition, SensorRetry.Definition, TriggerRules.Definition, Fan100.Definition, Chatty.Definition, AwkwardLog.Definition, ListingBackfill.Definition, ListingFarApart.Definition,
        Pausable.Definition, PausedOnCreationPipeline.Definition,
    };

    private PipelineHost _host = null!;

    protected abstract JobStorage CreateStorage();

    public async Task InitializeAsync() => _host = await PipelineHost.StartAsync(CreateStorage(), All);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static Dictionary<string, TaskState> States(PipelineRun run) => run.Tasks.ToDictionary(t => t.TaskId, t => t.State);

    [Fact]
    public async Task A_run_triggered_while_its_pipeline_is_paused_waits_and_runs_when_it_is_unpaused()
    {
        Assert.True(_host.Operations.Pause("pausable"));
        Assert.False(_host.Operations.Pause("pausable"));
        Assert.True(_host.Operations.IsPaused("pausable"));
        try
        {
            var runId = _host.Operations.Trigger("pausable", new LocalDate(2024, 4, 1));
            // Nothing would start it while paused; a second is ample time for a server that wrongly would.
            await Task.Delay(1000);
            var held = _host.Operations.GetRun("pausable", runId)!;
            Assert.Equal(RunState.Running, held.State);
            Assert.All(held.Tasks, t => Assert.Equal(TaskState.None, t.State));
            Assert.Equal(0, _host.Effects.Count(runId, "Extract"));
            var why = Assert.Single(_host.Operations.Explain("pausable", runId, "Extract"), d => d.Name == PipelineNotPaused.Name);
            Assert.False(why.Met);
            Assert.StartsWith("Pipeline 'pausable' is paused since ", why.Sentence, StringComparison.Ordinal);
            // People read a met reason's sentence too (a step deciding is answered without one).
            var active = Assert.Single(_host.Operations.Explain("pausable", runId, "Extract"), d => d.Name == RunIsActive.Name);
            Assert.True(active.Met);
            Assert.StartsWith("The run is running (", active.Sentence, StringComparison.Ordinal);

            Assert.True(_host.Operations.Unpause("pausable"));
            Assert.False(_host.Operations.IsPaused("pausable"));
            var run = await _host.WaitAsync("pausable", runId);
            Assert.Equal(RunState.Success, run.State);
            Assert.All(run.Tasks, t => Assert.Equal(1, _host.Effects.Count(runId, t.TaskId)));
        }
        finally
        {
            _host.Operations.Unpause("pausable");
        }
    }

    [Fact]
    public async Task A_queued_task_whose_job_runs_while_its_pipeline_is_paused_waits_and_runs_after_unpause()
    {
        // The run's jobs go to a queue no server here listens to, so its first task sits queued with a pending job.
        var runId = _host.Operations.Trigger("pausable", new LocalDate(2024, 4, 2), queue: "held");
        Assert.True(_host.Operations.Pause("pausable"));
        try
        {
            // Handing the run back gives the queued task a new job that a server runs at once, while the pipeline is paused.
            Assert.True(_host.Operations.ReturnToServers("pausable", runId));
            var jobId = _host.Operations.GetRun("pausable", runId)!["Extract"].CurrentJobId!;
            using (var connection = _host.Storage.GetConnection())
                await Poll.UntilAsync(() => connection.GetJobData(jobId)?.State, s => s == SucceededState.StateName, "the job delivered while paused to end");
            var waiting = _host.Operations.GetRun("pausable", runId)!;
            Assert.Equal(TaskState.Queued, waiting["Extract"].State);
            Assert.Equal(jobId, waiting["Extract"].CurrentJobId);
            Assert.Equal(0, _host.Effects.Count(runId, "Extract"));

            Assert.True(_host.Operations.Unpause("pausable"));
            var run = await _host.WaitAsync("pausable", runId);
            Assert.Equal(RunState.Success, run.State);
            Assert.Equal(1, _host.Effects.Count(runId, "Extract"));
            Assert.NotEqual(jobId, run["Extract"].CurrentJobId);
        }
        finally
        {
            _host.Operations.Unpause("pausable");
        }
    }

    [Fact]
    public async Task A_pipeline_paused_on_creation_starts_paused_once_and_stays_unpaused_after_an_operator_unpauses_it()
    {
        Assert.True(_host.Operations.IsPaused("paused_on_creation"));
        var runId = _host.Operations.Trigger("paused_on_creation", new LocalDate(2024, 4, 3));
        Assert.True(_host.Operations.Unpause("paused_on_creation"));
        Assert.Equal(RunState.Success, (await _host.WaitAsync("paused_on_creation", runId)).State);

        // Another server starting on the same storage does not pause it again.
        await using var second = await PipelineHost.StartAsync(_host.Storage, All);
        Assert.False(second.Operations.IsPaused("paused_on_creation"));
        Assert.False(_host.Operations.IsPaused("paused_on_creation"));
    }

    [Fact]
    public async Task A_linear_run_runs_each_task_once_in_order()
    {
        var run = await _host.RunAsync("linear");
        Assert.Equal(RunState.Success, run.State);
        Assert.All(run.Tasks, t => Assert.Equal(TaskState.Success, t.State));
        Assert.Equal(new[] { "Extract", "Transform", "Load" }, _host.Effects.Log.Where(l => l.StartsWith(run.RunId, StringComparison.Ordinal)).Select(l => l.Split('/')[1]));
        foreach (var task in run.Tasks)
        {
            Assert.Equal(1, _host.Effects.Count(run.RunId, task.TaskId));
            Assert.Equal(1, task.TryNumber);
            Assert.NotNull(task.Server);
            Assert.True(task.Duration >= Duration.Zero);
        }
        Assert.True(run["Extract"].End <= run["Transform"].Start);
        Assert.True(run["Transform"].End <= run["Load"].Start);
        Assert.NotNull(run.EndedAt);
    }

    [Fact]
    public async Task Each_task_is_a_Hangfire_job_with_plain_id_arguments_in_its_queue()
    {
        var run = await _host.RunAsync("linear", new LocalDate(2024, 3, 11));
        using var connection = _host.Storage.GetConnection();
        var loadId = Assert.Single(run["Load"].JobIds);
        // The run ends when the coordinator records Load's result, before Hangfire marks the job succeeded: wait for that.
        var load = await Poll.UntilAsync(() => connection.GetJobData(loadId), j => j.State == SucceededState.StateName, "Load's job to succeed");
        Assert.Equal(typeof(PipelineTaskJob), load.Job.Type);
        Assert.Equal(nameof(PipelineTaskJob.Run), load.Job.Method.Name);
        // The try as one array of its ids (pipeline, run, task, try number), then its queue.
        Assert.Equal(4, load.Job.Args.Count);
        Assert.Equal(new[] { "linear", run.RunId, "Load", "1" }, Assert.IsType<string[]>(load.Job.Args[0]));
        Assert.Equal("loads", load.Job.Args[1]);
        Assert.Null(load.Job.Args[2]);
        var history = _host.Storage.GetMonitoringApi().JobDetails(loadId).History;
        Assert.Contains(history, h => h.StateName == EnqueuedState.StateName && h.Data["Queue"] == "loads");

        // Requeued from Hangfire's dashboard (an Enqueued state for the default queue), the job goes back to its task's
        // queue; its try has ended, so the delivery finds it stale and changes nothing.
        Assert.True(new BackgroundJobClient(_host.Storage).Requeue(loadId));
        var requeued = await Poll.UntilAsync(() => _host.Storage.GetMonitoringApi().JobDetails(loadId).History,
            h => h.Count(s => s.StateName == EnqueuedState.StateName) == 2 && h[0].StateName == SucceededState.StateName, "the requeued job to succeed again");
        Assert.All(requeued.Where(h => h.StateName == EnqueuedState.StateName), h => Assert.Equal("loads", h.Data["Queue"]));
        Assert.Equal(TaskState.Success, _host.Operations.GetRun("linear", run.RunId)!["Load"].State);
        Assert.Equal(1, _host.Effects.Count(run.RunId, "Load"));
    }

    [Fact]
    public async Task A_diamond_passes_typed_data_along_both_paths_and_joins_once()
    {
        var run = await _host.RunAsync("diamond", parameters: new Dictionary<string, string> { ["vendor"] = "bloomberg" });
        Assert.Equal(RunState.Success, run.State);
        Assert.Equal("\"BLOOMBERG:6:30.5\"", _host.Operations.GetOutput("diamond", run.RunId, "Join"));
        Assert.Equal("""{"vendor":"bloomberg","rows":3,"total":30.5}""", _host.Operations.GetOutput("diamond", run.RunId, "Ingest"));
        Assert.Equal(1, _host.Effects.Count(run.RunId, "Join"));
        Assert.True(run["Join"].Start >= run["Left"].End && run["Join"].Start >= run["Right"].End);
    }

    [Fact]
    public async Task A_fan_out_of_100_fans_in_exactly_once_after_all_of_them()
    {
        var run = await _host.RunAsync("fan_100", timeout: TimeSpan.FromMinutes(2));
        Assert.Equal(RunState.Success, run.State);
        Assert.Equal(102, run.Tasks.Length);
        Assert.All(run.Tasks, t => Assert.Equal(TaskState.Success, t.State));
        Assert.All(run.Tasks, t => Assert.Equal(1, _host.Effects.Count(run.RunId, t.TaskId)));
        var lastWorker = run.Tasks.Where(t => t.TaskId.StartsWith('W')).Max(t => t.End!.Value);
        Assert.True(run["Join"].Start >= lastWorker);
        Assert.Equal("106", _host.Operations.GetOutput("fan_100", run.RunId, "W099"));
    }

    [Fact]
    public async Task Every_trigger_rule_decides_as_Airflow_does()
    {
        var run = await _host.RunAsync("trigger_rules");
        var states = States(run);
        Assert.Equal(TaskState.Success, states["Ok"]);
        Assert.Equal(TaskState.Failed, states["Bad"]);
        Assert.Equal(TaskState.Skipped, states["Skipped"]);

        var expected = new Dictionary<string, (TaskState OkBad, TaskState OkSkipped, TaskState BadSkipped)>
        {
            ["AllSuccess"] = (TaskState.UpstreamFailed, TaskState.Skipped, TaskState.UpstreamFailed),
            ["AllFailed"] = (TaskState.Skipped, TaskState.Skipped, TaskState.Skipped),
            ["AllDone"] = (TaskState.Success, TaskState.Success, TaskState.Success),
            ["AllDoneMinOneSuccess"] = (TaskState.Success, TaskState.Skipped, TaskState.Skipped),
            ["AllSkipped"] = (TaskState.Skipped, TaskState.Skipped, TaskState.Skipped),
            ["OneFailed"] = (TaskState.Success, TaskState.Skipped, TaskState.Success),
            ["OneSuccess"] = (TaskState.Success, TaskState.Success, TaskState.UpstreamFailed),
            ["OneDone"] = (TaskState.Success, TaskState.Success, TaskState.Success),
            ["NoneFailed"] = (TaskState.UpstreamFailed, TaskState.Success, TaskState.UpstreamFailed),
            ["NoneFailedMinOneSuccess"] = (TaskState.UpstreamFailed, TaskState.Success, TaskState.UpstreamFailed),
            ["NoneSkipped"] = (TaskState.Success, TaskState.Skipped, TaskState.Skipped),
            ["Always"] = (TaskState.Success, TaskState.Success, TaskState.Success),
        };
        foreach (var (rule, (okBad, okSkipped, badSkipped)) in expected)
        {
            Assert.True(okBad == states[rule + "_OkBad"], $"{rule} with success+failed: {states[rule + "_OkBad"].Name()}, expected {okBad.Name()}");
            Assert.True(okSkipped == states[rule + "_OkSkipped"], $"{rule} with success+skipped: {states[rule + "_OkSkipped"].Name()}, expected {okSkipped.Name()}");
            Assert.True(badSkipped == states[rule + "_BadSkipped"], $"{rule} with failed+skipped: {states[rule + "_BadSkipped"].Name()}, expected {badSkipped.Name()}");
        }
        Assert.Equal(RunState.Failed, run.State);
        // The decision never depends on timing; the sentence says what was known when it was made (Ok may not have finished yet).
        Assert.StartsWith("Upstream failed: trigger rule all_success can no longer be met; of 2 upstream tasks, ", run["AllSuccess_OkBad"].Reason, StringComparison.Ordinal);
        Assert.Contains("1 failed", run["AllSuccess_OkBad"].Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2024, 3, 13, "PostMeetingNotice", "PostLunchReminder")] // a Wednesday
    [InlineData(2024, 3, 12, "PostLunchReminder", "PostMeetingNotice")] // a Tuesday
    public async Task A_branch_runs_the_chosen_target_and_skips_the_other(int year, int month, int day, string chosen, string skipped)
    {
        var run = await _host.RunAsync("lunch_bot", new LocalDate(year, month, day));
        Assert.Equal(RunState.Success, run.State);
        Assert.Equal(TaskState.Success, run[chosen].State);
        Assert.Equal(TaskState.Skipped, run[skipped].State);
        Assert.Equal($"Skipped: branch 'IsCompanyMeeting' chose {chosen}.", run[skipped].Reason);
        Assert.Equal(TaskState.Success, run["Done"].State);
        Assert.Equal(chosen == "PostLunchReminder" ? TaskState.Success : TaskState.Skipped, run["AfterReminder"].State);
    }

    [Fact]
    public async Task A_false_condition_skips_everything_downstream_whatever_its_trigger_rules()
    {
        var run = await _host.RunAsync("lunch_bot", new LocalDate(2024, 3, 9)); // a Saturday
        Assert.Equal(RunState.Success, run.State);
        Assert.Equal(TaskState.Success, run["IsMarketDay"].State);
        foreach (var task in new[] { "IsCompanyMeeting", "PostMeetingNotice", "PostLunchReminder", "AfterReminder", "Done" })
        {
            Assert.Equal(TaskState.Skipped, run[task].State);
            Assert.Equal("Skipped: condition 'IsMarketDay' returned false.", run[task].Reason);
        }
        Assert.DoesNotContain(_host.Effects.Log, l => l.StartsWith(run.RunId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_sensor_pokes_until_satisfied_without_holding_a_worker_between_pokes()
    {
        var run = await _host.RunAsync("sensors");
        Assert.Equal(RunState.Success, run.State);
        Assert.Equal(3, _host.Effects.Count(run.RunId, "FileArrived", "poke"));
        var sensor = run["FileArrived"];
        Assert.Equal(3, sensor.JobIds.Length); // one short Hangfire job per poke: reschedule mode
        Assert.Equal(1, sensor.TryNumber);
        Assert.Equal(TaskState.Success, run["Ingest"].State);
        using var connection = _host.Storage.GetConnection();
        // The last poke's job is marked succeeded by Hangfire after the coordinator has recorded its result.
        await Poll.UntilAsync(() => sensor.JobIds.Select(id => connection.GetJobData(id).State).ToList(),
            states => states.All(s => s == SucceededState.StateName), "every poke's job to succeed");
    }

    [Fact]
    public async Task A_sensor_fails_at_its_timeout()
    {
        var run = await _host.RunAsync("sensor_timeout");
        Assert.Equal(RunState.Failed, run.State);
        Assert.Equal(TaskState.Failed, run["NeverArrives"].State);
        Assert.StartsWith("Sensor timed out: not satisfied after waiting 0:00:0", run["NeverArrives"].Reason, StringComparison.Ordinal);
        // One poke per Hangfire job: a poke is never run twice. How many fit in the timeout depends on the machine.
        Assert.Equal(run["NeverArrives"].JobIds.Length, _host.Effects.Count(run.RunId, "NeverArrives", "poke"));
        Assert.True(run["NeverArrives"].JobIds.Length >= 2);
        Assert.Equal(TaskState.UpstreamFailed, run["Ingest"].State);
    }

    [Fact]
    public async Task A_reschedule_sensors_timeout_counts_from_its_first_poke_across_retries()
    {
        var run = await _host.RunAsync("sensor_retry");
        var sensor = run["VendorFile"];
        Assert.Equal(TaskState.Failed, sensor.State);
        Assert.Equal(2, sensor.TryNumber);
        Assert.StartsWith("Sensor timed out", sensor.Reason, StringComparison.Ordinal);
        // As in Airflow, the retry does not restart the clock: the timeout still counts from try 1's first poke.
        var log = _host.Operations.GetLog("sensor_retry", run.RunId, "VendorFile");
        var firstPoke = log.First(l => l.Try == 1 && l.Message == "poke 1");
        var retryFirstPoke = log.First(l => l.Try == 2);
        Assert.True(sensor.FirstPoke <= firstPoke.Time, $"first poke recorded at {sensor.FirstPoke}, try 1 poked at {firstPoke.Time}");
        Assert.True(sensor.FirstPoke < retryFirstPoke.Time);
    }

    [Fact]
    public async Task A_soft_fail_sensor_is_skipped_at_its_timeout_and_skips_downstream()
    {
        var run = await _host.RunAsync("sensor_soft_fail");
        Assert.Equal(RunState.Success, run.State);
        Assert.Equal(TaskState.Skipped, run["NeverArrives"].State);
        Assert.Equal(TaskState.Skipped, run["Ingest"].State);
    }

    [Fact]
    public async Task Retries_back_off_exponentially_then_succeed()
    {
        var run = await _host.RunAsync("retries");
        Assert.Equal(RunState.Success, run.State);
        var flaky = run["Flaky"];
        Assert.Equal(TaskState.Success, flaky.State);
        Assert.Equal(3, flaky.TryNumber);
        Assert.Equal("Succeeded on try 3.", flaky.Reason);
        Assert.Equal(3, flaky.JobIds.Length);
        for (var t = 1; t <= 3; t++) Assert.Equal(1, _host.Effects.Count(run.RunId, "Flaky", "try" + t));
        Assert.Equal("3", _host.Operations.GetOutput("retries", run.RunId, "Flaky"));

        // Each failed try is a failed Hangfire job (no automatic retries on top of ours); the third succeeded.
        using var connection = _host.Storage.GetConnection();
        // Hangfire records each job's end after the coordinator has recorded the try's: wait for the last one.
        var jobStates = await Poll.UntilAsync(() => flaky.JobIds.Select(id => connection.GetJobData(id).State).ToList(),
            states => states.All(s => s == SucceededState.StateName || s == FailedState.StateName), "every try's job to end");
        Assert.Equal(new[] { FailedState.StateName, FailedState.StateName, SucceededState.StateName }, jobStates);
        var history = _host.Storage.GetMonitoringApi().JobDetails(flaky.JobIds[1]).History;
        Assert.DoesNotContain(history, h => h.StateName == ScheduledState.StateName && h.Reason?.Contains("Retry attempt", StringComparison.Ordinal) == true);
        // Backoff: the second retry waited about twice as long as the first (0.3 s, then 0.6 s).
        var second = _host.Storage.GetMonitoringApi().JobDetails(flaky.JobIds[2]).History.Single(h => h.StateName == ScheduledState.StateName);
        var first = _host.Storage.GetMonitoringApi().JobDetails(flaky.JobIds[1]).History.Single(h => h.StateName == ScheduledState.StateName);
        var delay = global::Hangfire.Common.JobHelper.DeserializeDateTime(second.Data["EnqueueAt"]) - second.CreatedAt;
        var firstDelay = global::Hangfire.Common.JobHelper.DeserializeDateTime(first.Data["EnqueueAt"]) - first.CreatedAt;
        Assert.InRange(firstDelay.TotalMilliseconds, 250, 350);
        Assert.InRange(delay.TotalMilliseconds, 550, 650);
    }

    [Fact]
    public async Task Each_try_keeps_its_log_with_a_failed_trys_exception_and_each_job_names_its_task()
    {
        var run = await _host.RunAsync("retries");
        var log = _host.Operations.GetLog("retries", run.RunId, "Flaky");
        Assert.Equal(new[] { 1, 2, 3 }, log.Select(l => l.Try).Distinct());
        Assert.Equal(new[] { "connecting to the vendor FTP, try 1", "connecting to the vendor FTP, try 2", "connecting to the vendor FTP, try 3" },
            log.Where(l => l.Level == LogLevel.Information).Select(l => l.Message));
        var failures = log.Where(l => l.Level == LogLevel.Error).ToList();
        Assert.Equal(new[] { 1, 2 }, failures.Select(l => l.Try));
        Assert.StartsWith("Try 1 failed: IOException" + Environment.NewLine + "System.IO.IOException: vendor FTP refused the connection (try 1)", failures[0].Message, StringComparison.Ordinal);
        Assert.Contains("at Pipelines.Hangfire.Tests.TestPipelines.Retries.Flaky(RunContext run)", failures[0].Message, StringComparison.Ordinal);
        Assert.All(log, l => Assert.InRange(l.Time, run["Flaky"].Start!.Value - Duration.FromSeconds(30), run["Flaky"].End!.Value));
        Assert.Empty(_host.Operations.GetLog("retries", run.RunId, "After"));

        // Hangfire's job page shows which task instance a job runs, through a history entry.
        var monitoring = _host.Storage.GetMonitoringApi();
        for (var i = 0; i < 3; i++)
        {
            var entry = Assert.Single(monitoring.JobDetails(run["Flaky"].JobIds[i]).History, h => h.StateName == "Pipeline task");
            Assert.Equal("retries", entry.Data["Pipeline"]);
            Assert.Equal(run.RunId, entry.Data["Run"]);
            Assert.Equal("Flaky", entry.Data["Task"]);
            Assert.Equal((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), entry.Data["Try"]);
        }
    }

    [Fact]
    public async Task Log_lines_a_storage_would_refuse_as_they_are_are_kept_made_safe()
    {
        var run = await _host.RunAsync("awkward_log");
        Assert.Equal(RunState.Success, run.State);
        Assert.Equal(new[]
        {
            "short line before",
            AwkwardLog.Incompressible,
            "a NUL \uFFFD inside",
            new string('a', 7999) + "…",
            "a lone \uFFFD surrogate",
            "short line after",
        }, _host.Operations.GetLog("awkward_log", run.RunId, "Talk").Select(l => l.Message));
    }

    [Fact]
    public async Task A_try_keeps_at_most_a_thousand_log_lines_and_says_how_many_it_dropped()
    {
        var run = await _host.RunAsync("chatty");
        var log = _host.Operations.GetLog("chatty", run.RunId, "Talk");
        Assert.Equal(Chatty.TaskLogLimit + 1, log.Count);
        Assert.Equal("columns: a|b|c\nsecond line", log[0].Message);
        Assert.Equal(LogLevel.Warning, log[0].Level);
        Assert.Equal(Enumerable.Range(1, Chatty.TaskLogLimit - 1).Select(i => $"line {i}"), log.Skip(1).Take(Chatty.TaskLogLimit - 1).Select(l => l.Message));
        Assert.Equal("5 more line(s) were not kept: a try keeps at most 1000 lines.", log[^1].Message);
    }

    [Fact]
    public async Task Exhausted_retries_fail_the_task_and_mark_downstream_upstream_failed()
    {
        var run = await _host.RunAsync("exhausted");
        Assert.Equal(RunState.Failed, run.State);
        var failed = run["AlwaysFails"];
        Assert.Equal(TaskState.Failed, failed.State);
        Assert.Equal(2, failed.TryNumber);
        Assert.Equal("Failed on try 2, the last of 2: InvalidOperationException: the vendor file is corrupt.", failed.Reason);
        Assert.Equal(TaskState.UpstreamFailed, run["Downstream"].State);
        Assert.Equal(TaskState.UpstreamFailed, run["FurtherDownstream"].State);
        Assert.Equal(TaskState.Success, run["Cleanup"].State);
        Assert.Equal(TaskState.UpstreamFailed, run["Report"].State);
        Assert.Equal(0, _host.Effects.Count(run.RunId, "Downstream"));
    }

    [Fact]
    public async Task Clearing_a_task_that_used_up_its_retries_gives_it_its_retries_again()
    {
        var run = await _host.RunAsync("exhausted", new LocalDate(2024, 5, 2));
        Assert.Equal(2, run["AlwaysFails"].TryNumber);
        _host.Operations.Clear("exhausted", run.RunId, new[] { "AlwaysFails" }, ClearScope.Task);
        var again = await _host.WaitAsync("exhausted", run.RunId);
        var task = again["AlwaysFails"];
        Assert.Equal(TaskState.Failed, task.State);
        Assert.Equal(4, task.TryNumber);
        Assert.Equal(3, task.FirstTry);
        Assert.Equal(2, task.TryOfAttempt);
        Assert.Equal("Failed on try 4, the last of 2 since it was cleared: InvalidOperationException: the vendor file is corrupt.", task.Reason);
        for (var t = 1; t <= 4; t++) Assert.Equal(1, _host.Effects.Count(run.RunId, "AlwaysFails", "try" + t));
        Assert.Equal(4, task.JobIds.Length);
    }

    [Fact]
    public async Task Runs_are_listed_newest_logical_date_first_even_when_a_backfill_adds_older_dates_later()
    {
        var june = _host.Operations.Trigger("listing_backfill", new LocalDate(2024, 6, 3), kind: RunKind.Scheduled);
        var backfill = _host.Operations.Backfill("listing_backfill", new LocalDate(2024, 5, 1), new LocalDate(2024, 5, 3));
        foreach (var id in backfill.Prepend(june)) await _host.WaitAsync("listing_backfill", id);
        Assert.Equal(new[] { "2024-06-03", "2024-05-03", "2024-05-02", "2024-05-01" },
            _host.Operations.ListRuns("listing_backfill").Select(r => r.LogicalDate.ToString("uuuu-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(new[] { june, backfill[2] }, _host.Operations.ListRuns("listing_backfill", 2).Select(r => r.RunId));
    }

    [Fact]
    public async Task The_newest_runs_are_found_however_far_apart_their_dates_are()
    {
        var today = SystemClock.Instance.GetCurrentInstant().InUtc().Date;
        var ids = new[] { new LocalDate(2019, 3, 1), today, new LocalDate(2024, 6, 3), today.PlusDays(3) }
            .Select(d => _host.Operations.Trigger("listing_far_apart", d, kind: RunKind.Scheduled)).ToList();
        foreach (var id in ids) await _host.WaitAsync("listing_far_apart", id);
        Assert.Equal(new[] { ids[3], ids[1] }, _host.Operations.ListRuns("listing_far_apart", 2).Select(r => r.RunId));
        Assert.Equal(new[] { ids[3], ids[1], ids[2] }, _host.Operations.ListRuns("listing_far_apart", 3).Select(r => r.RunId));
        Assert.Equal(new[] { ids[3], ids[1], ids[2], ids[0] }, _host.Operations.ListRuns("listing_far_apart", 25).Select(r => r.RunId));
    }

    [Fact]
    public async Task A_timeout_cancels_the_token_and_fails_the_try()
    {
        var run = await _host.RunAsync("timeouts");
        Assert.Equal(RunState.Failed, run.State);
        Assert.Equal("Failed on try 1: timed out after 00:00:00.5000000.", run["Slow"].Reason);
        Assert.Equal(1, _host.Effects.Count(run.RunId, "Slow", "started"));
        Assert.Equal(0, _host.Effects.Count(run.RunId, "Slow", "finished"));
        Assert.True(run["Slow"].Duration < Duration.FromSeconds(10));
    }

    [Fact]
    public async Task Clearing_a_failed_task_and_its_downstream_runs_them_again()
    {
        _host.Effects.Flags["break Transform"] = 1;
        var run = await _host.RunAsync("clearable");
        Assert.Equal(RunState.Failed, run.State);
        Assert.Equal(TaskState.Failed, run["Transform"].State);
        Assert.Equal(TaskState.UpstreamFailed, run["Load"].State);

        _host.Effects.Flags["break Transform"] = 0;
        var cleared = _host.Operations.Clear("clearable", run.RunId, new[] { "Transform" }, ClearScope.Downstream);
        Assert.Equal(new[] { "Transform", "Load" }, cleared);
        var rerun = await _host.WaitAsync("clearable", run.RunId);

        Assert.Equal(RunState.Success, rerun.State);
        Assert.Equal(TaskState.Success, rerun["Transform"].State);
        Assert.Equal(2, rerun["Transform"].TryNumber);
        Assert.Equal(1, _host.Effects.Count(run.RunId, "Extract"));
        Assert.Equal(2, _host.Effects.Count(run.RunId, "Transform"));
        Assert.Equal(1, _host.Effects.Count(run.RunId, "Load"));
        Assert.Equal("\"transformed#2 loaded\"", _host.Operations.GetOutput("clearable", run.RunId, "Load"));
    }

    [Fact]
    public async Task A_runs_stored_counts_of_upstream_states_agree_with_its_task_states_after_failures_skips_branches_clears_and_marks()
    {
        // A try's end judges its downstream by the run's stored counts (UpstreamTally), moved in the same transaction as
        // each state. Whatever the path (failures, skips, a branch, a 100-wide join, an operator's clear and mark), what is
        // stored at the end must be what counting the final task states gives, written out here from the states.
        var runs = new List<(PipelineDefinition Pipeline, string RunId)>
        {
            (TriggerRules.Definition, (await _host.RunAsync("trigger_rules")).RunId),
            (LunchBot.Definition, (await _host.RunAsync("lunch_bot", new LocalDate(2024, 3, 13))).RunId),
            (Exhausted.Definition, (await _host.RunAsync("exhausted")).RunId),
            (Fan100.Definition, (await _host.RunAsync("fan_100", timeout: TimeSpan.FromMinutes(2))).RunId),
        };
        _host.Effects.Flags["break Transform"] = 1;
        var cleared = await _host.RunAsync("clearable", new LocalDate(2024, 6, 3));
        Assert.Equal(RunState.Failed, cleared.State);
        _host.Effects.Flags["break Transform"] = 0;
        _host.Operations.Clear("clearable", cleared.RunId, new[] { "Transform" }, ClearScope.Downstream);
        Assert.Equal(RunState.Success, (await _host.WaitAsync("clearable", cleared.RunId)).State);
        runs.Add((Clearable.Definition, cleared.RunId));
        _host.Effects.Flags["break Transform"] = 1;
        var marked = await _host.RunAsync("clearable", new LocalDate(2024, 6, 4));
        _host.Effects.Flags["break Transform"] = 0;
        _host.Operations.MarkState("clearable", marked.RunId, "Transform", TaskState.Success);
        runs.Add((Clearable.Definition, marked.RunId));

        using var connection = _host.Storage.GetConnection();
        foreach (var (pipeline, runId) in runs)
        {
            var run = _host.Operations.GetRun(pipeline.Id, runId)!;
            var finished = run.Tasks.Count(t => t.State is TaskState.Success or TaskState.Failed or TaskState.Skipped or TaskState.UpstreamFailed or TaskState.Removed);
            // "12@" and the fingerprint of the pipeline's edges the run was counted for.
            Assert.StartsWith(finished.ToString(System.Globalization.CultureInfo.InvariantCulture) + "@", connection.GetAllEntriesFromHash($"pipelines:run:{pipeline.Id}:{runId}")!["finishedTasks"], StringComparison.Ordinal);
            var expected = new Dictionary<string, string>();
            foreach (var task in pipeline.Tasks)
            {
                var up = task.Upstream.Select(i => run[pipeline.Tasks[i].Id].State).ToList();
                int Count(params TaskState[] states) => up.Count(states.Contains);
                var counts = $"{Count(TaskState.Success)},{Count(TaskState.Failed)},{Count(TaskState.UpstreamFailed)},{Count(TaskState.Skipped, TaskState.Removed)}";
                if (counts != "0,0,0,0") expected[task.Id] = counts;
            }
            var stored = (connection.GetAllEntriesFromHash($"pipelines:run:{pipeline.Id}:{runId}:tally") ?? new Dictionary<string, string>())
                .Where(f => f.Value != "0,0,0,0").ToDictionary(f => f.Key, f => f.Value);
            Assert.True(expected.Count > 0, $"{pipeline.Id} {runId}: a run with no finished upstream tasks proves nothing");
            Assert.Equal(expected.OrderBy(f => f.Key, StringComparer.Ordinal), stored.OrderBy(f => f.Key, StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task Marking_a_failed_task_success_lets_its_downstream_run()
    {
        _host.Effects.Flags["break Transform"] = 1;
        var run = await _host.RunAsync("clearable", new LocalDate(2024, 4, 1));
        Assert.Equal(RunState.Failed, run.State);
        _host.Effects.Flags["break Transform"] = 0;

        // Load is upstream_failed; clear only it, after marking Transform success by hand... Load reads Transform's output, which does not exist.
        _host.Operations.MarkState("clearable", run.RunId, "Transform", TaskState.Success);
        var marked = _host.Operations.GetRun("clearable", run.RunId)!;
        Assert.StartsWith("Marked success by an operator", marked["Transform"].Reason, StringComparison.Ordinal);
        _host.Operations.Clear("clearable", run.RunId, new[] { "Load" }, ClearScope.Task, onlyFailed: true);
        var after = await _host.WaitAsync("clearable", run.RunId);
        Assert.Equal(TaskState.Failed, after["Load"].State);
        Assert.Contains("reads the output of 'Transform', but 'Transform' has recorded none", after["Load"].Reason, StringComparison.Ordinal);
    }
}

public sealed class InMemoryRuntimeTests : RuntimeTests
{
    protected override JobStorage CreateStorage() => PipelineHost.InMemoryStorage();
}
