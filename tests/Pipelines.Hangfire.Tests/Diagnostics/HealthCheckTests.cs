using global::Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NodaTime;
using NodaTime.Testing;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests.Diagnostics;

/// <summary>AddPipelinesHealthChecks: healthy while the storage answers and ticks and reconciler passes come on time.</summary>
public sealed class HealthCheckTests
{
    private static readonly Instant Noon = Instant.FromUtc(2024, 3, 8, 12, 0);

    [Fact]
    public async Task A_schedule_that_stops_ticking_turns_degraded_then_unhealthy_naming_the_pipeline()
    {
        var clock = new FakeClock(Noon);
        await using var host = await StartAsync(clock);
        host.Scheduler.TickAt("telemetry_scheduled", clock.GetCurrentInstant());   // the 12:00 occurrence: the mark moves to it

        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(host, "pipelines-schedules")).Status);

        clock.Reset(Noon + Duration.FromMinutes(5 + 6));   // the 12:05 tick is 6 minutes late
        var degraded = await CheckAsync(host, "pipelines-schedules");
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Contains("'telemetry_scheduled' has not ticked for its occurrence at 2024-03-08T12:05:00Z (6 min late)", degraded.Description);

        clock.Reset(Noon + Duration.FromMinutes(5 + 31));
        var unhealthy = await CheckAsync(host, "pipelines-schedules");
        Assert.Equal(HealthStatus.Unhealthy, unhealthy.Status);
        Assert.Contains("Runs are not being created", unhealthy.Description);

        host.Scheduler.TickAt("telemetry_scheduled", clock.GetCurrentInstant());   // ticks resume
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(host, "pipelines-schedules")).Status);
    }

    [Fact]
    public async Task A_reconciler_that_stops_passing_turns_degraded_then_unhealthy()
    {
        var clock = new FakeClock(Noon);
        await using var host = await StartAsync(clock);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(host, "pipelines-reconciler")).Status);   // no pass yet
        host.Services.GetRequiredService<PipelineReconciler>().Run();

        clock.Reset(Noon + Duration.FromMinutes(2));
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(host, "pipelines-reconciler")).Status);

        clock.Reset(Noon + Duration.FromMinutes(4));
        var degraded = await CheckAsync(host, "pipelines-reconciler");
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Contains("last finished a pass at 2024-03-08T12:00:00Z, 4 min ago", degraded.Description);

        clock.Reset(Noon + Duration.FromMinutes(16));
        var unhealthy = await CheckAsync(host, "pipelines-reconciler");
        Assert.Equal(HealthStatus.Unhealthy, unhealthy.Status);
        Assert.Contains("not being repaired", unhealthy.Description);
    }

    [Fact]
    public async Task A_storage_that_stops_answering_is_unhealthy_and_says_so()
    {
        var database = PostgresServer.CreateDatabase("health");
        try
        {
            var services = new ServiceCollection();
            services.AddSingleton(PipelineHost.PostgreSqlStorage(database));
            services.AddPipelines(o => o.Pipelines = [TelemetryScheduled.Definition]);
            services.AddHealthChecks().AddPipelinesHealthChecks();
            await using var provider = services.BuildServiceProvider();
            var health = provider.GetRequiredService<HealthCheckService>();

            var before = await health.CheckHealthAsync(r => r.Tags.Contains(PipelinesHealthCheckBuilderExtensions.Tag));
            Assert.True(before.Status == HealthStatus.Healthy, string.Join("; ", before.Entries.Select(e => $"{e.Key}: {e.Value.Status} {e.Value.Description} {e.Value.Exception}")));

            PostgresServer.DropDatabase(database);   // the database is gone: every connection fails

            var after = await health.CheckHealthAsync(r => r.Tags.Contains(PipelinesHealthCheckBuilderExtensions.Tag));
            Assert.Equal(HealthStatus.Unhealthy, after.Status);
            Assert.Equal(HealthStatus.Unhealthy, after.Entries["pipelines-storage"].Status);
            Assert.StartsWith("The storage cannot be read", after.Entries["pipelines-storage"].Description);
            Assert.Contains("does not exist", after.Entries["pipelines-storage"].Description);
        }
        finally
        {
            PostgresServer.DropDatabase(database);
        }
    }

    private static async Task<PipelineHost> StartAsync(FakeClock clock)
    {
        var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), [TelemetryScheduled.Definition],
            configure: o => o.Clock = clock,
            services: s => s.AddHealthChecks().AddPipelinesHealthChecks());
        // The recurring reconciler would record passes by this fake clock whenever a real minute turns.
        host.Services.GetRequiredService<IRecurringJobManager>().RemoveIfExists(PipelinesStartup.ReconcilerJobId);
        return host;
    }

    private static async Task<HealthReportEntry> CheckAsync(PipelineHost host, string name)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == name);
        return report.Entries[name];
    }
}
