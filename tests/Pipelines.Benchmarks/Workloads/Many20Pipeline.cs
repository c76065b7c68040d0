namespace Pipelines.Benchmarks.Workloads;

/// <summary>
/// The many-runs workload: Start fans out to 18 trivial tasks, which fan in to Join (20 tasks). MaxActiveRuns is high
/// enough that the harness's 100 (or <c>--runs</c>) runs all execute at once rather than queueing for a slot.
/// </summary>
[Pipeline("bench_many_20", MaxActiveRuns = 10_000)]
public sealed partial class Many20
{
    public const int Tasks = 20;

    [PipelineTask] public void Start(RunContext run) => Probe.Mark(run.RunId, run.TaskId);
    [PipelineTask, DependsOn(nameof(Start))] public void P0(RunContext run) => Probe.Mark(run.RunId, run.TaskId);
    [PipelineTask, DependsOn(nameof(Start))] public void P1(RunContext run) => Probe.Mark(run.RunId, run.TaskId);
    [PipelineTask, DependsOn(nameof(Start))] public void P2(RunContext run) => Probe.Mark(run.RunId, run.TaskId);
    [PipelineTask, DependsOn(nameof(Start))] public void P3(RunContext run) => Probe.Mark(run.RunId, run.TaskId);
    [PipelineTask, DependsOn(nameof(Start))] public void P4(RunContext run) => Probe.Mark(run.RunId, run.TaskId);
    [PipelineTask, DependsOn(nameof(Start))] public void P5(RunContext run) => Probe.Mark(run.RunId, run.TaskId);
    [PipelineTask, DependsOn(nameof(Start))] public void P6(RunContext run) => Probe.Mark(run.RunId, run.TaskId);
    [PipelineTask, DependsOn(nameof(Start))] public void P7(RunContext run) => Probe.Mark(run.RunId, run.TaskId);
    [PipelineTask, DependsOn(nameof(Start))] public void P8(RunContext run) => Probe.Mark(run.RunId, run.TaskId);
    [PipelineTask, DependsOn(nameof(Start))] public void P9(RunContext run) => Probe.Mark(run.RunId, run.TaskId);
    [PipelineTask, DependsOn(nameof(Start))] public void P10(RunContext run) => Probe.Mark(run.RunId, run.TaskId);
    [PipelineTask, DependsOn(nameof(Start))] public void P11(RunContext run) => Probe.Mark(run.RunId, run.TaskId);
    [PipelineTask, DependsOn(nameof(Start))] public void P12(RunContext run) => Probe.Mark(run.RunId, run.TaskId);
    [PipelineTask, DependsOn(nameof(Start))] public void P13(RunContext run) => Probe.Mark(run.RunId, run.TaskId);
    [PipelineTask, DependsOn(nameof(Start))] public void P14(RunContext run) => Probe.Mark(run.RunId, run.TaskId);
    [PipelineTask, DependsOn(nameof(Start))] public void P15(RunContext run) => Probe.Mark(run.RunId, run.TaskId);
    [PipelineTask, DependsOn(nameof(Start))] public void P16(RunContext run) => Probe.Mark(run.RunId, run.TaskId);
    [PipelineTask, DependsOn(nameof(Start))] public void P17(RunContext run) => Probe.Mark(run.RunId, run.TaskId);
    [PipelineTask, DependsOn(nameof(P0), nameof(P1), nameof(P2), nameof(P3), nameof(P4), nameof(P5), nameof(P6), nameof(P7), nameof(P8), nameof(P9), nameof(P10), nameof(P11), nameof(P12), nameof(P13), nameof(P14), nameof(P15), nameof(P16), nameof(P17))]
    public void Join(RunContext run) => Probe.Mark(run.RunId, run.TaskId);
}
