namespace Pipelines.Benchmarks.Infrastructure;

/// <summary>
/// What a server process reports about itself (<see cref="ServerWorker.Stats"/>): memory, CPU time, and the JIT's work
/// so far (methods compiled, at any tier, and the time spent compiling them).
/// </summary>
public sealed record ServerStats(long WorkingSet, long GcHeap, long CpuMs, long JitMethods, long JitMs);
