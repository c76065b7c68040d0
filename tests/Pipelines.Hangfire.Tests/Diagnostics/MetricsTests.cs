using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests.Diagnostics;

/// <summary>The 'Pipelines' meter, read through OpenTelemetry's in-memory exporter after real runs on a real server.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task A_run_with_a_retry_and_a_run_that_fails_are_measured_by_result()
    {
        var exported = new List<MetricSnapshot>();
        using var metrics = Sdk.CreateMeterProviderBuilder().AddMeter(PipelinesTelemetry.Name).AddInMemoryExporter(exported).Build();
        PipelineDefinition[] pipelines = [TelemetryRetries.Definition, TelemetryExhausted.Definition, TelemetryScheduled.Definition];
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), pipelines);

        var retried = await host.RunAsync("telemetry_retries");
        var failed = await host.RunAsync("telemetry_exhausted");
        Assert.Equal(RunState.Success, retried.State);
        Assert.Equal(RunState.Failed, failed.State);
        // A scheduled run: its schedule delay counts from the occurrence it was created for.
        var scheduledRunId = Assert.Single(host.Scheduler.TickAt("telemetry_scheduled", NodaTime.SystemClock.Instance.GetCurrentInstant()));
        var scheduled = await host.WaitAsync("telemetry_scheduled", scheduledRunId);

        // A try's measurements are taken after its step is applied, so the last ones can follow the run's end by a moment.
        var snapshot = await Poll.UntilAsync(() => Collect(metrics, exported),
            m => Sum(m, "pipelines.task.tries", ("cicd.pipeline.task.name", "After")) == 1 && Sum(m, "pipelines.task.tries", ("cicd.pipeline.task.name", "AlwaysFails")) == 2
                 && Count(m, "pipelines.run.schedule_delay", ("cicd.pipeline.name", "telemetry_scheduled")) == 1,
            "the tries of both runs and the scheduled run's delay");

        // Tries by result: Flaky failed twice then succeeded; AlwaysFails failed on both of its tries.
        Assert.Equal(2, Sum(snapshot, "pipelines.task.tries", ("cicd.pipeline.task.name", "Flaky"), ("cicd.pipeline.task.run.result", "failure")));
        Assert.Equal(1, Sum(snapshot, "pipelines.task.tries", ("cicd.pipeline.task.name", "Flaky"), ("cicd.pipeline.task.run.result", "success")));
        Assert.Equal(2, Sum(snapshot, "pipelines.task.tries", ("cicd.pipeline.task.name", "AlwaysFails"), ("cicd.pipeline.task.run.result", "failure")));
        Assert.Equal(0, Sum(snapshot, "pipelines.task.tries", ("cicd.pipeline.task.name", "AlwaysFails"), ("cicd.pipeline.task.run.result", "success")));
        Assert.Equal(3, Count(snapshot, "pipelines.task.duration", ("cicd.pipeline.task.name", "Flaky")));
        Assert.Equal(3, Count(snapshot, "pipelines.task.queued_duration", ("cicd.pipeline.task.name", "Flaky")));

        // Final states (Airflow's ti.finish) and failures (ti_failures): the failure reaches Downstream as upstream_failed.
        Assert.Equal(1, Sum(snapshot, "pipelines.task.finished", ("cicd.pipeline.task.name", "Flaky"), ("pipelines.task.state", "success")));
        Assert.Equal(1, Sum(snapshot, "pipelines.task.finished", ("cicd.pipeline.task.name", "AlwaysFails"), ("pipelines.task.state", "failed")));
        Assert.Equal(1, Sum(snapshot, "pipelines.task.finished", ("cicd.pipeline.task.name", "Downstream"), ("pipelines.task.state", "upstream_failed")));
        Assert.Equal(1, Sum(snapshot, "pipelines.task.failures", ("cicd.pipeline.name", "telemetry_exhausted")));
        Assert.Equal(0, Sum(snapshot, "pipelines.task.failures", ("cicd.pipeline.name", "telemetry_retries")));

        // Runs by result (Airflow's dagrun.duration.success / .failed).
        Assert.Equal(1, Count(snapshot, "cicd.pipeline.run.duration", ("cicd.pipeline.name", "telemetry_retries"), ("cicd.pipeline.result", "success")));
        Assert.Equal(1, Count(snapshot, "cicd.pipeline.run.duration", ("cicd.pipeline.name", "telemetry_exhausted"), ("cicd.pipeline.result", "failure")));
        Assert.Equal(0, Count(snapshot, "cicd.pipeline.run.duration", ("cicd.pipeline.name", "telemetry_exhausted"), ("cicd.pipeline.result", "success")));

        // The scheduled run started after its occurrence, and within the five minutes before the next one.
        var delay = Max(snapshot, "pipelines.run.schedule_delay", ("cicd.pipeline.name", "telemetry_scheduled"));
        Assert.InRange(delay, 0, 5 * 60 + 60);
        Assert.Equal(RunState.Success, scheduled.State);

        // Finished runs are no longer active; the coordinator's steps and the locks they took were measured: at least the
        // end of each of the run's four tries (a try's start swaps its record beside the lock, not a step).
        Assert.Equal(0, Gauge(snapshot, "cicd.pipeline.run.active", ("cicd.pipeline.name", "telemetry_retries"), ("cicd.pipeline.run.state", "executing")));
        Assert.True(Count(snapshot, "pipelines.coordinator.step.duration", ("cicd.pipeline.name", "telemetry_retries")) >= 4);
        Assert.True(Count(snapshot, "pipelines.lock.wait", ("pipelines.lock.kind", "run")) >= 8);
        Assert.True(Count(snapshot, "pipelines.lock.wait", ("pipelines.lock.kind", "pipeline")) >= 2);
        // Each run lock taken is released once, and its hold is measured then.
        Assert.True(Count(snapshot, "pipelines.lock.held", ("pipelines.lock.kind", "run")) >= 8);
    }

    [Fact]
    public async Task Active_runs_count_the_runs_the_storage_holds_as_executing()
    {
        var exported = new List<MetricSnapshot>();
        using var metrics = Sdk.CreateMeterProviderBuilder().AddMeter(PipelinesTelemetry.Name).AddInMemoryExporter(exported).Build();
        var storage = PipelineHost.InMemoryStorage();
        // Runs triggered while no server works on them stay executing (their first tasks queued).
        await using var host = await PipelineHost.StartAsync(storage, [TelemetryRetries.Definition], services: WithoutHangfireServer);
        host.Operations.Trigger("telemetry_retries", new NodaTime.LocalDate(2024, 3, 8));
        host.Operations.Trigger("telemetry_retries", new NodaTime.LocalDate(2024, 3, 11));

        var snapshot = Collect(metrics, exported);
        Assert.Equal(2, Gauge(snapshot, "cicd.pipeline.run.active", ("cicd.pipeline.name", "telemetry_retries"), ("cicd.pipeline.run.state", "executing")));
        Assert.Equal(0, Gauge(snapshot, "cicd.pipeline.run.active", ("cicd.pipeline.name", "telemetry_retries"), ("cicd.pipeline.run.state", "pending")));
    }

    /// <summary>Hangfire's server is the hosted service registered through a factory; ours are registered by type.</summary>
    private static void WithoutHangfireServer(Microsoft.Extensions.DependencyInjection.IServiceCollection services)
    {
        for (var i = services.Count - 1; i >= 0; i--)
            if (services[i].ServiceType == typeof(Microsoft.Extensions.Hosting.IHostedService) && services[i].ImplementationType is null) services.RemoveAt(i);
    }

    private static List<MetricSnapshot> Collect(MeterProvider metrics, List<MetricSnapshot> exported)
    {
        lock (exported) exported.Clear();
        metrics.ForceFlush();
        lock (exported) return exported.ToList();
    }

    private static IEnumerable<MetricPoint> Points(List<MetricSnapshot> snapshot, string name, (string Key, string Value)[] tags) =>
        snapshot.Where(m => m.Name == name).SelectMany(m => m.MetricPoints).Where(p =>
        {
            var have = new Dictionary<string, object?>();
            foreach (var tag in p.Tags) have[tag.Key] = tag.Value;
            return tags.All(t => have.TryGetValue(t.Key, out var v) && Equals(v, t.Value));
        });

    private static long Sum(List<MetricSnapshot> snapshot, string name, params (string, string)[] tags) => Points(snapshot, name, tags).Sum(p => p.GetSumLong());

    private static long Gauge(List<MetricSnapshot> snapshot, string name, params (string, string)[] tags) => Points(snapshot, name, tags).Sum(p => p.GetSumLong());

    private static long Count(List<MetricSnapshot> snapshot, string name, params (string, string)[] tags) => Points(snapshot, name, tags).Sum(p => p.GetHistogramCount());

    private static double Max(List<MetricSnapshot> snapshot, string name, params (string, string)[] tags) =>
        Points(snapshot, name, tags).Select(p => p.TryGetHistogramMinMaxValues(out _, out var max) ? max : double.NaN).DefaultIfEmpty(double.NaN).Max();
}
