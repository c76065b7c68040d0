using OpenTelemetry;
using OpenTelemetry.Metrics;
using Pipelines.Hangfire.Tests.Infrastructure;
using static Pipelines.Hangfire.Tests.Airflow.SmallDag;

namespace Pipelines.Hangfire.Tests.Slots;

/// <summary>The pool gauges of the 'Pipelines' meter, read through OpenTelemetry's in-memory exporter.</summary>
public sealed class PoolMetricsTests
{
    [Fact]
    public async Task Each_pools_open_running_and_queued_slots_are_gauges()
    {
        var exported = new List<Metric>();
        using var metrics = Sdk.CreateMeterProviderBuilder().AddMeter(PipelinesTelemetry.Name).AddInMemoryExporter(exported).Build();
        var pool = "metered_" + Guid.NewGuid().ToString("N")[..8];
        var recorder = new TryRecorder();
        var pipeline = SlotDag.Build("metered_" + Guid.NewGuid().ToString("N")[..8], new[] { T("Hold") }, recorder, 0, task: _ => new TaskLimits(pool, PoolSlots: 2), held: new HashSet<string> { "Hold" });
        await using var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { pipeline }, configure: o => o.Pools[pool] = 5);
        var runId = host.Operations.Trigger(pipeline.Id, new NodaTime.LocalDate(2024, 5, 1));
        await Poll.UntilAsync(() => host.Operations.GetRun(pipeline.Id, runId)!["Hold"].State == TaskState.Running, "the task to run");

        exported.Clear();
        metrics.ForceFlush();
        long Gauge(string name) => exported.Where(m => m.Name == name).SelectMany(Points)
            .Where(p => Tags(p).Any(t => t.Key == "pipelines.pool.name" && (string?)t.Value == pool)).Select(p => p.GetGaugeLastValueLong()).Single();

        Assert.Equal(3, Gauge("pipelines.pool.open_slots"));
        Assert.Equal(2, Gauge("pipelines.pool.running_slots"));
        Assert.Equal(0, Gauge("pipelines.pool.queued_slots"));
        recorder.Gate.SetResult();
        Assert.Equal(RunState.Success, (await host.WaitAsync(pipeline.Id, runId)).State);
    }

    private static IEnumerable<MetricPoint> Points(Metric metric)
    {
        foreach (var point in metric.GetMetricPoints()) yield return point;
    }

    private static IEnumerable<KeyValuePair<string, object?>> Tags(MetricPoint point)
    {
        var tags = new List<KeyValuePair<string, object?>>();
        foreach (var tag in point.Tags) tags.Add(tag);
        return tags;
    }
}
