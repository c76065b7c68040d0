using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;

namespace Pipelines.Hangfire;

/// <summary>
/// Each pool's slots as gauges of the <c>Pipelines</c> meter, read from storage when the meter is collected:
/// <c>pipelines.pool.open_slots</c>, <c>pipelines.pool.running_slots</c> and <c>pipelines.pool.queued_slots</c>, by
/// <c>pipelines.pool.name</c> (Airflow's <c>pool.open_slots</c>, <c>pool.running_slots</c>, <c>pool.queued_slots</c>).
/// </summary>
internal static class PoolMetrics
{
    internal const string PoolName = "pipelines.pool.name";

    private static readonly object s_gate = new();
    private static readonly List<Func<IReadOnlyList<PoolStatus>>> s_sources = new();

    static PoolMetrics()
    {
        PipelinesTelemetry.Meter.CreateObservableGauge("pipelines.pool.open_slots", () => Observe(p => p.Open), "{slot}", "Slots of each pool free now.");
        PipelinesTelemetry.Meter.CreateObservableGauge("pipelines.pool.running_slots", () => Observe(p => p.Running), "{slot}", "Slots of each pool held by running tries (or reserved for tries about to start).");
        PipelinesTelemetry.Meter.CreateObservableGauge("pipelines.pool.queued_slots", () => Observe(p => p.Queued), "{slot}", "Slots of each pool asked for by waiting tries.");
    }

    /// <summary>Adds a storage's pools to the gauges until the result is disposed.</summary>
    public static IDisposable AddSource(Func<IReadOnlyList<PoolStatus>> read)
    {
        lock (s_gate) s_sources.Add(read);
        return new Removal(read);
    }

    private static List<Measurement<long>> Observe(Func<PoolStatus, int> value)
    {
        Func<IReadOnlyList<PoolStatus>>[] sources;
        lock (s_gate) sources = s_sources.ToArray();
        var all = new List<Measurement<long>>();
        foreach (var source in sources)
        {
            try
            {
                foreach (var pool in source()) all.Add(new Measurement<long>(value(pool), new KeyValuePair<string, object?>(PoolName, pool.Name)));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A storage that cannot be read now reports nothing; the health check says why.
            }
        }
        return all;
    }

    private sealed class Removal(Func<IReadOnlyList<PoolStatus>> read) : IDisposable
    {
        public void Dispose()
        {
            lock (s_gate) s_sources.Remove(read);
        }
    }
}
