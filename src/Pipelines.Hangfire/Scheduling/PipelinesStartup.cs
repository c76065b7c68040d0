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
/// At start-up: one recurring job per scheduled pipeline (in the pipeline's time zone), the reconciler, catch-up of
/// missed runs for pipelines with <c>Catchup</c>, and the single run of <c>@once</c> pipelines.
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

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Dashboard.PipelinesDashboard.Attach(storage, operations, options);
        // The reconciler repairs runs whatever the schedules do.
        recurringJobs.AddOrUpdate<PipelineReconciler>(ReconcilerJobId, r => r.Run(), Cron.Minutely());
        if (!options.RegisterSchedules) return Task.CompletedTask;
        foreach (var pipeline in registry.All)
        {
            var schedule = PipelineSchedule.Parse(pipeline.Schedule);
            if (schedule.Cron is not null)
            {
                var zone = TimeZoneInfo.FindSystemTimeZoneById(pipeline.TimeZone);
                var id = pipeline.Id;
                recurringJobs.AddOrUpdate<PipelineScheduler>(PipelineScheduler.RecurringJobId(id), s => s.Tick(id), pipeline.Schedule!, new RecurringJobOptions { TimeZone = zone });
                if (pipeline.Catchup) scheduler.Tick(id);
                LogScheduled(logger, id, pipeline.Schedule!, pipeline.TimeZone);
            }
            else if (schedule.IsOnce)
            {
                using var connection = storage.GetConnection();
                if (connection.GetAllItemsFromSet(PipelineStore.RunsKey(pipeline.Id)).Count == 0)
                {
                    var date = pipeline.StartDate ?? options.Clock.GetCurrentInstant().InUtc().Date;
                    operations.Trigger(pipeline.Id, date, null, RunKind.Scheduled, runId: "scheduled__once");
                }
            }
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Pipeline {Pipeline} scheduled at '{Schedule}' in {TimeZone}")]
    private static partial void LogScheduled(ILogger logger, string pipeline, string schedule, string timeZone);
}
