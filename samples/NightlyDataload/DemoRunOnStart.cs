using Microsoft.Extensions.Hosting;
using NodaTime;
using Pipelines.Calendars;
using Pipelines.Hangfire;

namespace NightlyDataload;

/// <summary>
/// When the sample is served, triggers the fundamentals and the prices loads for the last NYSE session so there is
/// something to watch at once; risk_models starts by itself when both have landed.
/// </summary>
public sealed class DemoRunOnStart(PipelineOperations operations, ILogger<DemoRunOnStart> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var today = SystemClock.Instance.GetCurrentInstant().InZone(DateTimeZoneProviders.Tzdb["America/New_York"]).Date;
        var session = ExchangeCalendar.Get("XNYS").PreviousSession(today);
        foreach (var pipeline in new[] { "nightly_dataload", "prices" })
        {
            var runId = operations.Trigger(pipeline, session);
            logger.LogInformation("Triggered {Pipeline} for session {Session:yyyy-MM-dd} as {Run}", pipeline, session, runId);
            Console.WriteLine($"Triggered {pipeline} for the last NYSE session, {session:yyyy-MM-dd}: run {runId}.");
        }
        Console.WriteLine("risk_models starts when both prices.daily and fundamentals.daily have landed for that session ('why risk_models' says what it waits for).");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
