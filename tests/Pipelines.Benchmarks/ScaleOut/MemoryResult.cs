using Pipelines.Benchmarks.Infrastructure;

namespace Pipelines.Benchmarks.ScaleOut;

/// <summary>A server process's memory after each batch of finished runs (the first reading after the warm-up).</summary>
public sealed record MemoryResult(IReadOnlyList<(int Runs, ServerStats Stats)> Readings, bool Completed)
{
    public double HeapGrowth => (double)Readings[^1].Stats.GcHeap / Readings[0].Stats.GcHeap;

    public double WorkingSetGrowth => (double)Readings[^1].Stats.WorkingSet / Readings[0].Stats.WorkingSet;
}
