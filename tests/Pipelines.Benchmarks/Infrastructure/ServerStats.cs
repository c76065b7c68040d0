namespace Pipelines.Benchmarks.Infrastructure;

/// <summary>What a server process reports about itself (<see cref="ServerWorker.Stats"/>).</summary>
public sealed record ServerStats(long WorkingSet, long GcHeap, long CpuMs);
