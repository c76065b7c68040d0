using System.Collections.Immutable;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using NodaTime;
using Pipelines.Hangfire;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Dashboard.Tests;

/// <summary>The run page and the pipeline grid mark a run that missed its deadline (read as served HTML, no browser).</summary>
public sealed class DeadlineMarkTests
{
    private sealed class SettableClock(Instant now) : IClock
    {
        public Instant Now { get; set; } = now;

        public Instant GetCurrentInstant() => Now;
    }

    /// <summary>A sensor that is never satisfied, so the run stays running; its deadline is 06:30 New York the next day.</summary>
    private static readonly PipelineDefinition Late = new("late_load", typeof(DeadlineMarkTests), ImmutableArray.Create(new TaskDefinition
    {
        Index = 0,
        Id = "WaitForVendor",
        Kind = TaskKind.Sensor,
        Sensor = new SensorSettings(TimeSpan.FromMilliseconds(200), TimeSpan.FromDays(7), false, SensorMode.Reschedule),
    }), (_, _) => ValueTask.FromResult(TaskOutcome.Sensor(false)))
    {
        TimeZone = "America/New_York",
        Deadline = "06:30",
    };

    [Fact]
    public async Task A_run_past_its_deadline_is_marked_on_its_page_and_in_the_grid_with_the_deadline()
    {
        var clock = new SettableClock(Instant.FromUtc(2024, 3, 8, 12, 0));
        var port = FreePorts.Next();
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddHangfire(c => c.SetDataCompatibilityLevel(CompatibilityLevel.Version_180).UseSimpleAssemblyNameTypeSerializer().UsePipelinesInMemoryStorage());
        builder.Services.AddPipelines(o => { o.Pipelines = new[] { Late }; o.Clock = clock; });
        builder.Services.AddHangfireServer(o => o.SchedulePollingInterval = TimeSpan.FromMilliseconds(200));
        await using var app = builder.Build();
        app.UseHangfireDashboard("/hangfire", new DashboardOptions { Authorization = Array.Empty<global::Hangfire.Dashboard.IDashboardAuthorizationFilter>() });
        await app.StartAsync();
        try
        {
            var operations = app.Services.GetRequiredService<PipelineOperations>();
            var runId = operations.Trigger("late_load", new LocalDate(2024, 3, 8));
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/hangfire/") };
            var runPage = $"pipelines/late_load/runs/{Uri.EscapeDataString(runId)}";
            Assert.Contains("Deadline 06:30 (2024-03-09 11:30:00Z)", await http.GetStringAsync(runPage), StringComparison.Ordinal);

            clock.Now = Instant.FromUtc(2024, 3, 9, 11, 31);
            app.Services.GetRequiredService<PipelineReconciler>().Run();   // its pass judges the deadlines

            Assert.Contains("Missed its deadline 06:30 (2024-03-09 11:30:00Z)", await http.GetStringAsync(runPage), StringComparison.Ordinal);
            var grid = await http.GetStringAsync("pipelines/late_load");
            Assert.Contains($"data-run=\"{runId}\" data-deadline-missed=\"true\"", grid, StringComparison.Ordinal);
            Assert.Contains("(missed its deadline 2024-03-09 11:30:00Z)", grid, StringComparison.Ordinal);
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
