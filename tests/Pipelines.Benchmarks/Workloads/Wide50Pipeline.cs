namespace Pipelines.Benchmarks.Workloads;

/// <summary>
/// The dashboard workload: 50 tasks in five layers of ten, each task after two of the layer before (Airflow's wide
/// nightly-load shape). The dashboard harness seeds 500 finished runs of it straight into storage; its bodies never run.
/// </summary>
[Pipeline("bench_wide_50", Schedule = "0 4 * * 1-5", TimeZone = "America/New_York", Description = "50 tasks in five layers, for the dashboard benchmark.")]
public sealed partial class Wide50
{
    public const int Layers = 5;
    public const int Width = 10;

    [PipelineTask] public void L0T0() { }
    [PipelineTask] public void L0T1() { }
    [PipelineTask] public void L0T2() { }
    [PipelineTask] public void L0T3() { }
    [PipelineTask] public void L0T4() { }
    [PipelineTask] public void L0T5() { }
    [PipelineTask] public void L0T6() { }
    [PipelineTask] public void L0T7() { }
    [PipelineTask] public void L0T8() { }
    [PipelineTask] public void L0T9() { }
    [PipelineTask, DependsOn(nameof(L0T0), nameof(L0T1))] public void L1T0() { }
    [PipelineTask, DependsOn(nameof(L0T1), nameof(L0T2))] public void L1T1() { }
    [PipelineTask, DependsOn(nameof(L0T2), nameof(L0T3))] public void L1T2() { }
    [PipelineTask, DependsOn(nameof(L0T3), nameof(L0T4))] public void L1T3() { }
    [PipelineTask, DependsOn(nameof(L0T4), nameof(L0T5))] public void L1T4() { }
    [PipelineTask, DependsOn(nameof(L0T5), nameof(L0T6))] public void L1T5() { }
    [PipelineTask, DependsOn(nameof(L0T6), nameof(L0T7))] public void L1T6() { }
    [PipelineTask, DependsOn(nameof(L0T7), nameof(L0T8))] public void L1T7() { }
    [PipelineTask, DependsOn(nameof(L0T8), nameof(L0T9))] public void L1T8() { }
    [PipelineTask, DependsOn(nameof(L0T9), nameof(L0T0))] public void L1T9() { }
    [PipelineTask, DependsOn(nameof(L1T0), nameof(L1T1))] public void L2T0() { }
    [PipelineTask, DependsOn(nameof(L1T1), nameof(L1T2))] public void L2T1() { }
    [PipelineTask, DependsOn(nameof(L1T2), nameof(L1T3))] public void L2T2() { }
    [PipelineTask, DependsOn(nameof(L1T3), nameof(L1T4))] public void L2T3() { }
    [PipelineTask, DependsOn(nameof(L1T4), nameof(L1T5))] public void L2T4() { }
    [PipelineTask, DependsOn(nameof(L1T5), nameof(L1T6))] public void L2T5() { }
    [PipelineTask, DependsOn(nameof(L1T6), nameof(L1T7))] public void L2T6() { }
    [PipelineTask, DependsOn(nameof(L1T7), nameof(L1T8))] public void L2T7() { }
    [PipelineTask, DependsOn(nameof(L1T8), nameof(L1T9))] public void L2T8() { }
    [PipelineTask, DependsOn(nameof(L1T9), nameof(L1T0))] public void L2T9() { }
    [PipelineTask, DependsOn(nameof(L2T0), nameof(L2T1))] public void L3T0() { }
    [PipelineTask, DependsOn(nameof(L2T1), nameof(L2T2))] public void L3T1() { }
    [PipelineTask, DependsOn(nameof(L2T2), nameof(L2T3))] public void L3T2() { }
    [PipelineTask, DependsOn(nameof(L2T3), nameof(L2T4))] public void L3T3() { }
    [PipelineTask, DependsOn(nameof(L2T4), nameof(L2T5))] public void L3T4() { }
    [PipelineTask, DependsOn(nameof(L2T5), nameof(L2T6))] public void L3T5() { }
    [PipelineTask, DependsOn(nameof(L2T6), nameof(L2T7))] public void L3T6() { }
    [PipelineTask, DependsOn(nameof(L2T7), nameof(L2T8))] public void L3T7() { }
    [PipelineTask, DependsOn(nameof(L2T8), nameof(L2T9))] public void L3T8() { }
    [PipelineTask, DependsOn(nameof(L2T9), nameof(L2T0))] public void L3T9() { }
    [PipelineTask, DependsOn(nameof(L3T0), nameof(L3T1))] public void L4T0() { }
    [PipelineTask, DependsOn(nameof(L3T1), nameof(L3T2))] public void L4T1() { }
    [PipelineTask, DependsOn(nameof(L3T2), nameof(L3T3))] public void L4T2() { }
    [PipelineTask, DependsOn(nameof(L3T3), nameof(L3T4))] public void L4T3() { }
    [PipelineTask, DependsOn(nameof(L3T4), nameof(L3T5))] public void L4T4() { }
    [PipelineTask, DependsOn(nameof(L3T5), nameof(L3T6))] public void L4T5() { }
    [PipelineTask, DependsOn(nameof(L3T6), nameof(L3T7))] public void L4T6() { }
    [PipelineTask, DependsOn(nameof(L3T7), nameof(L3T8))] public void L4T7() { }
    [PipelineTask, DependsOn(nameof(L3T8), nameof(L3T9))] public void L4T8() { }
    [PipelineTask, DependsOn(nameof(L3T9), nameof(L3T0))] public void L4T9() { }
}
