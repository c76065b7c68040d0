using Microsoft.Extensions.Hosting;
using NodaTime;
using Pipelines.Calendars;
using Pipelines.Hangfire;

namespace NightlyDataload;

/// <summary>When the sample is served, triggers one run for the last NYSE session so there is something to watch at once.</summary>
public sealed class DemoRunOnStart(PipelineOperations operations, ILogger<DemoRunOnStart> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var today = SystemClock.Instance.GetCurrentInstant().InZone(DateTimeZoneProviders.Tzdb["America/New_York"]).Date;
        var session = ExchangeCalendar.Get("XNYS").PreviousSession(today);
        var runId = operations.Trigger("nightly_dataload", session);
        logger.LogInformation("Triggered nightly_dataload for session {Session:yyyy-MM-dd} as {Run}", session, runId);
        Console.WriteLine($"Triggered nightly_dataload for the last NYSE session, {session:yyyy-MM-dd}: run {runId}.");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
