using global::Hangfire;
using global::Hangfire.States;
using global::Hangfire.Storage;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

public sealed class SchedulerTests : IAsyncLifetime
{
    private PipelineHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { NightlyNewYork.Definition, WeekdaySessions.Definition, Linear.Definition, HourlyLondon.Definition, EveryFiveMinutes.Definition });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_04_00_New_York_schedule_keeps_local_time_across_the_spring_DST_change()
    {
        // Catch-up from the start date: 2024-03-08 .. 2024-03-12, with DST starting on Sunday 2024-03-10.
        var runIds = _host.Scheduler.TickAt("nightly_new_york", Instant.FromUtc(2024, 3, 12, 12, 0));
        Assert.Equal(new[]
        {
            "scheduled__2024-03-08T04:00-05:00", "scheduled__2024-03-09T04:00-05:00", "scheduled__2024-03-10T04:00-04:00",
            "scheduled__2024-03-11T04:00-04:00", "scheduled__2024-03-12T04:00-04:00",
        }, runIds);

        var runs = new List<PipelineRun>();
        foreach (var id in runIds) runs.Add(await _host.WaitAsync("nightly_new_york", id));
        Assert.All(runs, r => Assert.Equal(RunState.Success, r.State));
        Assert.Equal(new[] { "2024-03-08", "2024-03-09", "2024-03-10", "2024-03-11", "2024-03-12" }, runs.Select(r => r.LogicalDate.ToString("yyyy-MM-dd", null)));
        // 04:00 EST is 09:00 UTC; 04:00 EDT is 08:00 UTC. The interval across the change is 23 hours long.
        Assert.Equal(Instant.FromUtc(2024, 3, 9, 9, 0), runs[1].DataInterval.End);
        Assert.Equal(Instant.FromUtc(2024, 3, 10, 8, 0), runs[2].DataInterval.End);
        Assert.Equal(Duration.FromHours(23), runs[2].DataInterval.Duration);
        Assert.Equal(Duration.FromHours(24), runs[3].DataInterval.Duration);
        Assert.All(runs, r => Assert.Equal(RunKind.Scheduled, r.Kind));
    }

    [Fact]
    public async Task A_paused_pipelines_tick_creates_nothing_and_unpaused_with_catch_up_it_creates_the_missed_runs()
    {
        Assert.True(_host.Operations.Pause("nightly_new_york"));
        Assert.Empty(_host.Scheduler.TickAt("nightly_new_york", Instant.FromUtc(2024, 3, 9, 12, 0)));
        Assert.Empty(_host.Scheduler.TickAt("nightly_new_york", Instant.FromUtc(2024, 3, 10, 12, 0)));
        Assert.Empty(_host.Operations.ListRuns("nightly_new_york"));

        Assert.True(_host.Operations.Unpause("nightly_new_york"));
        var runIds = _host.Scheduler.TickAt("nightly_new_york", Instant.FromUtc(2024, 3, 10, 12, 0));
        Assert.Equal(new[] { "scheduled__2024-03-08T04:00-05:00", "scheduled__2024-03-09T04:00-05:00", "scheduled__2024-03-10T04:00-04:00" }, runIds);
        foreach (var id in runIds) Assert.Equal(RunState.Success, (await _host.WaitAsync("nightly_new_york", id)).State);
    }

    [Fact]
    public async Task A_tick_seen_twice_makes_one_run()
    {
        var now = Instant.FromUtc(2024, 11, 4, 9, 30);
        var first = _host.Scheduler.TickAt("nightly_new_york", Instant.FromUtc(2024, 11, 1, 12, 0));
        var again = _host.Scheduler.TickAt("nightly_new_york", Instant.FromUtc(2024, 11, 1, 12, 0));
        Assert.Empty(again);
        // Across the autumn change: 04:00 EDT (08:00Z) on Saturday, then 04:00 EST (09:00Z) on Sunday and Monday.
        var later = _host.Scheduler.TickAt("nightly_new_york", now);
        Assert.Equal(new[] { "scheduled__2024-11-02T04:00-04:00", "scheduled__2024-11-03T04:00-05:00", "scheduled__2024-11-04T04:00-05:00" }, later);
        // Two servers racing on the same occurrence: triggering the same scheduled run id again returns it without a second run.
        Assert.Equal(later[2], _host.Operations.Trigger("nightly_new_york", new LocalDate(2024, 11, 4), kind: RunKind.Scheduled, runId: later[2]));
        foreach (var id in first.Concat(later)) await _host.WaitAsync("nightly_new_york", id);
        var all = _host.Operations.ListRuns("nightly_new_york", 100).Select(r => r.RunId).ToList();
        Assert.Equal(all.Distinct().Count(), all.Count);
        Assert.Single(all, id => id == "scheduled__2024-11-04T04:00-05:00");
        Assert.Equal(1, _host.Effects.Count("scheduled__2024-11-04T04:00-05:00", "Load"));
    }

    [Fact]
    public async Task A_tick_on_a_server_whose_clock_is_a_little_behind_still_creates_the_occurrence_it_was_fired_for()
    {
        // Hangfire fired the 11:00 tick by the scheduling server's clock; this server's clock says 10:59:45.
        // A tick that the schedule did not fire (catch-up at start-up) sees only what is due by its own clock.
        Assert.Equal(new[] { "scheduled__2024-11-05T10:00+00:00" }, _host.Scheduler.TickAt("hourly_london", Instant.FromUtc(2024, 11, 5, 10, 59, 40)));
        var behind = _host.Scheduler.TickAt("hourly_london", Instant.FromUtc(2024, 11, 5, 10, 59, 45), firedBySchedule: true);
        Assert.Equal(new[] { "scheduled__2024-11-05T11:00+00:00" }, behind);
        // The same occurrence seen again on time makes nothing new; a tick two minutes early is not for the next one.
        Assert.Empty(_host.Scheduler.TickAt("hourly_london", Instant.FromUtc(2024, 11, 5, 11, 0, 5), firedBySchedule: true));
        Assert.Empty(_host.Scheduler.TickAt("hourly_london", Instant.FromUtc(2024, 11, 5, 11, 58), firedBySchedule: true));
        Assert.Equal(new[] { "scheduled__2024-11-05T12:00+00:00" }, _host.Scheduler.TickAt("hourly_london", Instant.FromUtc(2024, 11, 5, 12, 0), firedBySchedule: true));
        foreach (var id in behind.Prepend("scheduled__2024-11-05T10:00+00:00")) Assert.Equal(RunState.Success, (await _host.WaitAsync("hourly_london", id)).State);
    }

    [Fact]
    public async Task An_hourly_London_schedule_runs_both_01_00s_of_the_autumn_fall_back_night()
    {
        // 2024-10-27: at 02:00 BST the clocks go back to 01:00 GMT, so 01:00 local comes twice, at 00:00Z and at 01:00Z.
        // Each occurrence is its own run, named by its local time and offset.
        var clock = new FakeClock(Instant.FromUtc(2024, 10, 26, 23, 30));
        var runIds = new List<string>();
        for (var hour = 0; hour < 4; hour++, clock.Advance(Duration.FromHours(1)))
            runIds.AddRange(_host.Scheduler.TickAt("hourly_london", clock.GetCurrentInstant()));

        Assert.Equal(new[]
        {
            "scheduled__2024-10-27T00:00+01:00", "scheduled__2024-10-27T01:00+01:00",
            "scheduled__2024-10-27T01:00+00:00", "scheduled__2024-10-27T02:00+00:00",
        }, runIds);
        var runs = new List<PipelineRun>();
        foreach (var id in runIds) runs.Add(await _host.WaitAsync("hourly_london", id));
        Assert.All(runs, r => Assert.Equal(RunState.Success, r.State));
        Assert.Equal(new[] { Instant.FromUtc(2024, 10, 26, 23, 0), Instant.FromUtc(2024, 10, 27, 0, 0), Instant.FromUtc(2024, 10, 27, 1, 0), Instant.FromUtc(2024, 10, 27, 2, 0) },
            runs.Select(r => r.DataInterval.End));
        Assert.All(runIds, id => Assert.Equal(1, _host.Effects.Count(id, "Report")));
    }

    [Fact]
    public async Task Without_catch_up_the_first_tick_creates_the_run_for_the_latest_due_slot()
    {
        var runIds = _host.Scheduler.TickAt("every_five_minutes", Instant.FromUtc(2024, 11, 5, 10, 7, 30));

        Assert.Equal(new[] { "scheduled__2024-11-05T10:05+00:00" }, runIds);
        var run = await _host.WaitAsync("every_five_minutes", runIds[0]);
        Assert.Equal(new Interval(Instant.FromUtc(2024, 11, 5, 10, 0), Instant.FromUtc(2024, 11, 5, 10, 5)), run.DataInterval);
        Assert.Single(_host.Operations.ListRuns("every_five_minutes", 100));
    }

    [Fact]
    public async Task Without_catch_up_a_tick_sixty_days_after_the_last_one_creates_only_the_latest_due_slot()
    {
        var first = _host.Scheduler.TickAt("every_five_minutes", Instant.FromUtc(2024, 9, 6, 10, 2));
        Assert.Equal(new[] { "scheduled__2024-09-06T10:00+00:00" }, first);

        var later = _host.Scheduler.TickAt("every_five_minutes", Instant.FromUtc(2024, 11, 5, 10, 2));

        Assert.Equal(new[] { "scheduled__2024-11-05T10:00+00:00" }, later);
        var run = await _host.WaitAsync("every_five_minutes", later[0]);
        Assert.Equal(new Interval(Instant.FromUtc(2024, 11, 5, 9, 55), Instant.FromUtc(2024, 11, 5, 10, 0)), run.DataInterval);
        Assert.Equal(2, _host.Operations.ListRuns("every_five_minutes", 100).Count);
        await _host.WaitAsync("every_five_minutes", first[0]);
    }

    [Fact]
    public async Task A_scheduled_tick_that_fails_is_retried_and_creates_the_run()
    {
        var clock = new FakeClock(Instant.FromUtc(2024, 11, 5, 10, 30));
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { HourlyLondon.Definition },
            configure: o => { o.Clock = clock; o.LockTimeout = TimeSpan.FromMilliseconds(200); });
        var client = host.Services.GetRequiredService<IBackgroundJobClient>();
        using var connection = host.Storage.GetConnection();

        // Another server holds the schedule lock past the tick's lock timeout: the tick's first attempt fails.
        string jobId;
        using (StorageLocks.Acquire(host.Storage, connection, PipelineStore.PipelineLock("hourly_london") + ":schedule", TimeSpan.FromSeconds(5)))
        {
            jobId = client.Enqueue<PipelineScheduler>(s => s.Tick("hourly_london"));
            await Poll.UntilAsync(() => host.Storage.GetMonitoringApi().JobDetails(jobId).History.Select(h => h.StateName).ToList(),
                states => states.Contains(ProcessingState.StateName) && states[0] != ProcessingState.StateName, "the tick's first attempt to end");
        }

        await Poll.UntilAsync(() => host.Operations.GetRun("hourly_london", "scheduled__2024-11-05T10:00+00:00") is not null, "the retried tick to create the run");
        Assert.Equal(RunState.Success, (await host.WaitAsync("hourly_london", "scheduled__2024-11-05T10:00+00:00")).State);
        await Poll.UntilAsync(() => connection.GetStateData(jobId).Name, name => name == SucceededState.StateName, "the tick job to succeed");
    }

    [Fact]
    public async Task A_calendar_pipeline_runs_on_exchange_sessions_only()
    {
        // Thanksgiving week 2024: Thursday 28 is an NYSE holiday.
        var runIds = _host.Scheduler.TickAt("weekday_sessions", Instant.FromUtc(2024, 11, 30, 12, 0));
        Assert.Equal(new[] { "scheduled__2024-11-25T18:00-05:00", "scheduled__2024-11-26T18:00-05:00", "scheduled__2024-11-27T18:00-05:00", "scheduled__2024-11-29T18:00-05:00" }, runIds);
        foreach (var id in runIds) Assert.Equal(RunState.Success, (await _host.WaitAsync("weekday_sessions", id)).State);
    }

    [Fact]
    public async Task Startup_registers_a_recurring_job_per_scheduled_pipeline_in_its_time_zone()
    {
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { HourlyLondon.Definition, Linear.Definition },
            configure: o => o.RegisterSchedules = true);
        using var connection = host.Storage.GetConnection();
        var jobs = connection.GetRecurringJobs();
        var hourly = Assert.Single(jobs, j => j.Id == "pipeline:hourly_london");
        Assert.Equal("Europe/London", hourly.TimeZoneId);
        Assert.Equal("@hourly", hourly.Cron);
        Assert.Equal("Tick", hourly.Job.Method.Name);
        Assert.Equal(new object[] { "hourly_london" }, hourly.Job.Args);
        Assert.DoesNotContain(jobs, j => j.Id == "pipeline:linear"); // triggered by hand only
        Assert.Contains(jobs, j => j.Id == "pipelines:reconcile");
    }

    [Fact]
    public void Without_schedules_the_reconciler_is_still_registered()
    {
        using var connection = _host.Storage.GetConnection();
        var jobs = connection.GetRecurringJobs();
        Assert.Contains(jobs, j => j.Id == "pipelines:reconcile");
        Assert.DoesNotContain(jobs, j => j.Id.StartsWith("pipeline:", StringComparison.Ordinal));
    }
}
