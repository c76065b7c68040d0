using global::Hangfire;
using global::Hangfire.Storage;
using NodaTime;
using NodaTime.Testing;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>Session-relative schedules on a real host, against NYSE's published 2024 sessions, with explicit instants.</summary>
public sealed class SessionSchedulerTests : IAsyncLifetime
{
    private PipelineHost _host = null!;

    public async Task InitializeAsync() =>
        _host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { AfterClose.Definition, MorningAfterSession.Definition, LatestClose.Definition });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Thirty_minutes_after_the_close_runs_each_session_skips_Thanksgiving_and_follows_the_early_close()
    {
        var runIds = _host.Scheduler.TickAt("after_close", Instant.FromUtc(2024, 11, 30, 12, 0));
        Assert.Equal(new[] { "scheduled__2024-11-25T16:30-05:00", "scheduled__2024-11-26T16:30-05:00", "scheduled__2024-11-27T16:30-05:00", "scheduled__2024-11-29T13:30-05:00" }, runIds);

        var runs = new List<PipelineRun>();
        foreach (var id in runIds) runs.Add(await _host.WaitAsync("after_close", id));
        Assert.All(runs, r => Assert.Equal(RunState.Success, r.State));
        Assert.Equal(new[] { "2024-11-25", "2024-11-26", "2024-11-27", "2024-11-29" }, runs.Select(r => r.LogicalDate.ToString("yyyy-MM-dd", null)));
        // Each data interval runs from the previous session's firing: Friday 11-22 16:30 EST for Monday's run, and
        // Wednesday 16:30 to Friday 13:30 (the early close plus 30 minutes) across the holiday.
        Assert.Equal(new Interval(Instant.FromUtc(2024, 11, 22, 21, 30), Instant.FromUtc(2024, 11, 25, 21, 30)), runs[0].DataInterval);
        Assert.Equal(new Interval(Instant.FromUtc(2024, 11, 27, 21, 30), Instant.FromUtc(2024, 11, 29, 18, 30)), runs[3].DataInterval);
    }

    [Fact]
    public void A_session_run_is_created_when_its_firing_comes_and_only_once()
    {
        Assert.Equal(3, _host.Scheduler.TickAt("after_close", Instant.FromUtc(2024, 11, 27, 22, 0)).Count);
        Assert.Empty(_host.Scheduler.TickAt("after_close", Instant.FromUtc(2024, 11, 28, 21, 30)));   // Thanksgiving, 16:30
        Assert.Empty(_host.Scheduler.TickAt("after_close", Instant.FromUtc(2024, 11, 29, 18, 29)));   // 13:29 on the early close
        Assert.Equal(new[] { "scheduled__2024-11-29T13:30-05:00" }, _host.Scheduler.TickAt("after_close", Instant.FromUtc(2024, 11, 29, 18, 30)));
        Assert.Empty(_host.Scheduler.TickAt("after_close", Instant.FromUtc(2024, 11, 29, 18, 31)));   // the every-minute tick after it
    }

    [Fact]
    public async Task After_session_runs_at_04_00_the_next_calendar_morning_with_the_session_as_logical_date()
    {
        var runIds = _host.Scheduler.TickAt("morning_after_session", Instant.FromUtc(2024, 12, 3, 12, 0));
        // Thursday morning (Thanksgiving) loads Wednesday's session; Saturday morning loads Friday's.
        Assert.Equal(new[]
        {
            "scheduled__2024-11-26T04:00-05:00", "scheduled__2024-11-27T04:00-05:00", "scheduled__2024-11-28T04:00-05:00",
            "scheduled__2024-11-30T04:00-05:00", "scheduled__2024-12-03T04:00-05:00",
        }, runIds);

        var runs = new List<PipelineRun>();
        foreach (var id in runIds) runs.Add(await _host.WaitAsync("morning_after_session", id));
        Assert.Equal(new[] { "2024-11-25", "2024-11-26", "2024-11-27", "2024-11-29", "2024-12-02" }, runs.Select(r => r.LogicalDate.ToString("yyyy-MM-dd", null)));
        Assert.All(runs, r => Assert.Equal(RunState.Success, r.State));
        Assert.Equal(new Interval(Instant.FromUtc(2024, 11, 30, 9, 0), Instant.FromUtc(2024, 12, 3, 9, 0)), runs[^1].DataInterval);
    }

    [Fact]
    public async Task A_close_relative_schedule_fires_at_16_30_local_on_both_sides_of_the_spring_DST_change()
    {
        // Without catch-up: the latest due firing only. Friday 2024-03-08 closes 16:00 EST (21:00Z), Monday 03-11 16:00 EDT (20:00Z).
        Assert.Equal(new[] { "scheduled__2024-03-08T16:30-05:00" }, _host.Scheduler.TickAt("latest_close", Instant.FromUtc(2024, 3, 8, 22, 0)));
        Assert.Empty(_host.Scheduler.TickAt("latest_close", Instant.FromUtc(2024, 3, 11, 20, 29)));
        var monday = Assert.Single(_host.Scheduler.TickAt("latest_close", Instant.FromUtc(2024, 3, 11, 20, 30)));
        Assert.Equal("scheduled__2024-03-11T16:30-04:00", monday);

        var run = await _host.WaitAsync("latest_close", monday);
        Assert.Equal(new LocalDate(2024, 3, 11), run.LogicalDate);
        Assert.Equal(new Interval(Instant.FromUtc(2024, 3, 8, 21, 30), Instant.FromUtc(2024, 3, 11, 20, 30)), run.DataInterval);
        Assert.Equal(Duration.FromHours(71), run.DataInterval.Duration);
    }

    [Fact]
    public async Task Startup_registers_a_session_schedule_as_an_every_minute_tick()
    {
        // Hangfire's cron cannot say "30 minutes after the close"; the tick decides what is due.
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { LatestClose.Definition },
            configure: o => { o.RegisterSchedules = true; o.Clock = new FakeClock(Instant.FromUtc(2024, 11, 29, 18, 0)); });
        using var connection = host.Storage.GetConnection();
        var job = Assert.Single(connection.GetRecurringJobs(), j => j.Id == "pipeline:latest_close");
        Assert.Equal(Cron.Minutely(), job.Cron);
        Assert.Equal("America/New_York", job.TimeZoneId);
        Assert.Equal("Tick", job.Job.Method.Name);
        Assert.Equal(new object[] { "latest_close" }, job.Job.Args);
    }
}
