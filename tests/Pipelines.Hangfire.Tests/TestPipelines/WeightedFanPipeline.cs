using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Hangfire.Tests.TestPipelines;

/// <summary>
/// One task fans out to 24 with mixed priority weights (1 to 5, ties spread through the declaration order): queued 7 per
/// step, highest weight first, the ties of weights 4, 2 and 1 each straddle two steps. The workers have nothing
/// downstream, so their effective weight (the default Downstream rule) is the declared one.
/// </summary>
[Pipeline("weighted_fan")]
public sealed partial class WeightedFan(SideEffects effects)
{
    /// <summary>The PriorityWeight each of T00..T23 declares below, in that order.</summary>
    public static readonly int[] Weights = [1, 3, 2, 5, 3, 1, 4, 2, 5, 3, 1, 4, 2, 2, 5, 1, 3, 4, 1, 5, 2, 3, 4, 1];

    [PipelineTask] public void Start(RunContext run) => effects.Record(run);
    [PipelineTask(PriorityWeight = 1), DependsOn(nameof(Start))] public void T00(RunContext run) => effects.Record(run);
    [PipelineTask(PriorityWeight = 3), DependsOn(nameof(Start))] public void T01(RunContext run) => effects.Record(run);
    [PipelineTask(PriorityWeight = 2), DependsOn(nameof(Start))] public void T02(RunContext run) => effects.Record(run);
    [PipelineTask(PriorityWeight = 5), DependsOn(nameof(Start))] public void T03(RunContext run) => effects.Record(run);
    [PipelineTask(PriorityWeight = 3), DependsOn(nameof(Start))] public void T04(RunContext run) => effects.Record(run);
    [PipelineTask(PriorityWeight = 1), DependsOn(nameof(Start))] public void T05(RunContext run) => effects.Record(run);
    [PipelineTask(PriorityWeight = 4), DependsOn(nameof(Start))] public void T06(RunContext run) => effects.Record(run);
    [PipelineTask(PriorityWeight = 2), DependsOn(nameof(Start))] public void T07(RunContext run) => effects.Record(run);
    [PipelineTask(PriorityWeight = 5), DependsOn(nameof(Start))] public void T08(RunContext run) => effects.Record(run);
    [PipelineTask(PriorityWeight = 3), DependsOn(nameof(Start))] public void T09(RunContext run) => effects.Record(run);
    [PipelineTask(PriorityWeight = 1), DependsOn(nameof(Start))] public void T10(RunContext run) => effects.Record(run);
    [PipelineTask(PriorityWeight = 4), DependsOn(nameof(Start))] public void T11(RunContext run) => effects.Record(run);
    [PipelineTask(PriorityWeight = 2), DependsOn(nameof(Start))] public void T12(RunContext run) => effects.Record(run);
    [PipelineTask(PriorityWeight = 2), DependsOn(nameof(Start))] public void T13(RunContext run) => effects.Record(run);
    [PipelineTask(PriorityWeight = 5), DependsOn(nameof(Start))] public void T14(RunContext run) => effects.Record(run);
    [PipelineTask(PriorityWeight = 1), DependsOn(nameof(Start))] public void T15(RunContext run) => effects.Record(run);
    [PipelineTask(PriorityWeight = 3), DependsOn(nameof(Start))] public void T16(RunContext run) => effects.Record(run);
    [PipelineTask(PriorityWeight = 4), DependsOn(nameof(Start))] public void T17(RunContext run) => effects.Record(run);
    [PipelineTask(PriorityWeight = 1), DependsOn(nameof(Start))] public void T18(RunContext run) => effects.Record(run);
    [PipelineTask(PriorityWeight = 5), DependsOn(nameof(Start))] public void T19(RunContext run) => effects.Record(run);
    [PipelineTask(PriorityWeight = 2), DependsOn(nameof(Start))] public void T20(RunContext run) => effects.Record(run);
    [PipelineTask(PriorityWeight = 3), DependsOn(nameof(Start))] public void T21(RunContext run) => effects.Record(run);
    [PipelineTask(PriorityWeight = 4), DependsOn(nameof(Start))] public void T22(RunContext run) => effects.Record(run);
    [PipelineTask(PriorityWeight = 1), DependsOn(nameof(Start))] public void T23(RunContext run) => effects.Record(run);
}
