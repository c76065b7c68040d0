using Pipelines.Calendars;
using System;
using System.Threading;
using System.Threading.Tasks;
using Hangfire;
using Hangfire.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipelines.Schedules;

namespace Pipelines.Hangfire;

/// <summary>
/// At start-up: one recurring job per scheduled pipeline (in the pipeline's time zone; every minute for session-relative
/// schedules), the reconciler, catch-up of missed runs for pipelines with <c>Catchup</c>, and the single run of <c>@once</c> pipelines.
/// </summary>
internal sealed partial class PipelinesStartup(
    PipelineRegistry registry,
    PipelinesOptions options,
    IRecurringJobManager recurringJobs,
    PipelineScheduler scheduler,
    PipelineOperations operations,
    JobStorage storage,
    ILogger<PipelinesStartup> logger) : IHostedService
{
    public const string ReconcilerJobId = "pipelines:reconcile";

    private IDisposable? _activeRuns;
    private IDisposable? _pools;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Dashboard.PipelinesDashboard.Attach(storage, operations, options);
        _activeRuns = PipelinesTelemetry.AddActiveRunSource(ObserveActiveRuns);
        _pools = PoolMetrics.AddSource(operations.Pools);
        // The reconciler repairs runs whatever the schedules do.
        recurringJobs.AddOrUpdate<PipelineReconciler>(ReconcilerJobId, r => r.Run(), Cron.Minutely());
        // A pipeline new to this storage starts paused when it says PausedOnCreation; one seen before keeps its state.
        using (var connection = storage.GetConnection())
            foreach (var pipeline in registry.All) operations.SeedPause(connection, pipeline);
        if (!options.RegisterSchedules) return Task.CompletedTask;
        foreach (var pipeline in registry.All)
        {
            var schedule = PipelineTimes.Of(pipeline).Schedule;
            if (schedule.Cron is not null)
            {
                var zone = PipelineSchedule.SystemZone(pipeline.TimeZone);
                var id = pipeline.Id;
                recurringJobs.AddOrUpdate<PipelineScheduler>(PipelineScheduler.RecurringJobId(id), s => s.Tick(id), schedule.TimeText!, new RecurringJobOptions { TimeZone = zone });
                if (pipeline.Catchup) scheduler.TickAt(id, options.Clock.GetCurrentInstant());
                LogScheduled(logger, id, pipeline.Schedule!, pipeline.TimeZone);
            }
            else if (schedule.IsSessionRelative)
            {
                // A cron cannot say "30 minutes after the close" (13:30 on an early close, no run on a holiday), so the
                // recurring job ticks every minute and the tick decides: TickAt creates only the occurrences that are due,
                // each once, and a tick with nothing due costs one lock and one hash read.
                var id = pipeline.Id;
                recurringJobs.AddOrUpdate<PipelineScheduler>(PipelineScheduler.RecurringJobId(id), s => s.Tick(id), Cron.Minutely(), new RecurringJobOptions { TimeZone = PipelineSchedule.SystemZone(pipeline.TimeZone) });
                if (pipeline.Catchup) scheduler.TickAt(id, options.Clock.GetCurrentInstant());
                LogScheduled(logger, id, pipeline.Schedule!, pipeline.TimeZone);
            }
            else if (schedule.IsOnce)
            {
                // Once means once per storage: the schedule mark outlives the run, so retention deleting the run does
                // not make the next start run it again.
                using var connection = storage.GetConnection();
                var marks = connection.GetAllEntriesFromHash(PipelineStore.ScheduleKey);
                var mark = pipeline.Id + ":once";
                if (marks is not null && marks.ContainsKey(mark)) continue;
                var date = pipeline.StartDate ?? options.Clock.GetCurrentInstant().InUtc().Date;
                operations.Trigger(pipeline.Id, date, null, RunKind.Scheduled, runId: "scheduled__once");
                using var transaction = connection.CreateWriteTransaction();
                transaction.SetRangeInHash(PipelineStore.ScheduleKey, new System.Collections.Generic.Dictionary<string, string> { [mark] = PipelineStore.Format(options.Clock.GetCurrentInstant()) });
                transaction.Commit();
            }
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _activeRuns?.Dispose();
        _pools?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>The storage's counts of executing and pending runs per pipeline (the same on every server sharing it).</summary>
    private System.Collections.Generic.IEnumerable<System.Diagnostics.Metrics.Measurement<long>> ObserveActiveRuns()
    {
        using var connection = storage.GetConnection();
        var measurements = new System.Collections.Generic.List<System.Diagnostics.Metrics.Measurement<long>>();
        foreach (var pipeline in registry.All)
        {
            var executing = connection.GetAllItemsFromSet(PipelineStore.ActiveKey(pipeline.Id)).Count;
            var pending = connection.GetAllItemsFromSet(PipelineStore.WaitingKey(pipeline.Id)).Count;
            measurements.Add(new(executing, new(PipelinesTelemetry.PipelineName, pipeline.Id), new(PipelinesTelemetry.RunState, "executing")));
            measurements.Add(new(pending, new(PipelinesTelemetry.PipelineName, pipeline.Id), new(PipelinesTelemetry.RunState, "pending")));
        }
        return measurements;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline {Pipeline} scheduled at '{Schedule}' in {TimeZone}")]
    private static partial void LogScheduled(ILogger logger, string pipeline, string schedule, string timeZone);
}
