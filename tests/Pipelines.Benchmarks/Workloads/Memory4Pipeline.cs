namespace Pipelines.Benchmarks.Workloads;

/// <summary>
/// The memory workload: four tasks (A, then B and C, then D) with empty bodies, so nothing the harness keeps (such as
/// <see cref="Probe"/>'s marks) grows with the runs; only the runtime's own memory is measured.
/// </summary>
[Pipeline("bench_memory_4", MaxActiveRuns = 10_000)]
public sealed partial class Memory4
{
    [PipelineTask] public void A() { }
    [PipelineTask, DependsOn(nameof(A))] public void B() { }
    [PipelineTask, DependsOn(nameof(A))] public void C() { }
    [PipelineTask, DependsOn(nameof(B), nameof(C))] public void D() { }
}
