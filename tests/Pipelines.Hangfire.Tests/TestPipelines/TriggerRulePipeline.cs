// One task per trigger rule and upstream mix (written out by a small script). Expected states are in RuntimeTests.
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Hangfire.Tests.TestPipelines;

[Pipeline("trigger_rules")]
public sealed partial class TriggerRules(SideEffects effects)
{
    [PipelineTask] public void Ok(RunContext run) => effects.Record(run);
    [PipelineTask] public void Bad(RunContext run) { effects.Record(run); throw new InvalidOperationException("always fails"); }
    // A branch skips only the targets it did not choose; what lies further downstream follows its trigger rules.
    [PipelineTask, Branch(nameof(Skipped), nameof(Chosen))] public string Gate() => nameof(Chosen);
    [PipelineTask, DependsOn(nameof(Gate))] public void Skipped(RunContext run) => effects.Record(run);
    [PipelineTask, DependsOn(nameof(Gate))] public void Chosen(RunContext run) => effects.Record(run);

    [PipelineTask(Trigger = TriggerRule.AllSuccess), DependsOn(nameof(Ok), nameof(Bad))] public void AllSuccess_OkBad(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.AllSuccess), DependsOn(nameof(Ok), nameof(Skipped))] public void AllSuccess_OkSkipped(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.AllSuccess), DependsOn(nameof(Bad), nameof(Skipped))] public void AllSuccess_BadSkipped(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.AllFailed), DependsOn(nameof(Ok), nameof(Bad))] public void AllFailed_OkBad(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.AllFailed), DependsOn(nameof(Ok), nameof(Skipped))] public void AllFailed_OkSkipped(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.AllFailed), DependsOn(nameof(Bad), nameof(Skipped))] public void AllFailed_BadSkipped(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.AllDone), DependsOn(nameof(Ok), nameof(Bad))] public void AllDone_OkBad(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.AllDone), DependsOn(nameof(Ok), nameof(Skipped))] public void AllDone_OkSkipped(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.AllDone), DependsOn(nameof(Bad), nameof(Skipped))] public void AllDone_BadSkipped(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.AllDoneMinOneSuccess), DependsOn(nameof(Ok), nameof(Bad))] public void AllDoneMinOneSuccess_OkBad(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.AllDoneMinOneSuccess), DependsOn(nameof(Ok), nameof(Skipped))] public void AllDoneMinOneSuccess_OkSkipped(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.AllDoneMinOneSuccess), DependsOn(nameof(Bad), nameof(Skipped))] public void AllDoneMinOneSuccess_BadSkipped(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.AllSkipped), DependsOn(nameof(Ok), nameof(Bad))] public void AllSkipped_OkBad(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.AllSkipped), DependsOn(nameof(Ok), nameof(Skipped))] public void AllSkipped_OkSkipped(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.AllSkipped), DependsOn(nameof(Bad), nameof(Skipped))] public void AllSkipped_BadSkipped(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.OneFailed), DependsOn(nameof(Ok), nameof(Bad))] public void OneFailed_OkBad(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.OneFailed), DependsOn(nameof(Ok), nameof(Skipped))] public void OneFailed_OkSkipped(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.OneFailed), DependsOn(nameof(Bad), nameof(Skipped))] public void OneFailed_BadSkipped(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.OneSuccess), DependsOn(nameof(Ok), nameof(Bad))] public void OneSuccess_OkBad(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.OneSuccess), DependsOn(nameof(Ok), nameof(Skipped))] public void OneSuccess_OkSkipped(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.OneSuccess), DependsOn(nameof(Bad), nameof(Skipped))] public void OneSuccess_BadSkipped(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.OneDone), DependsOn(nameof(Ok), nameof(Bad))] public void OneDone_OkBad(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.OneDone), DependsOn(nameof(Ok), nameof(Skipped))] public void OneDone_OkSkipped(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.OneDone), DependsOn(nameof(Bad), nameof(Skipped))] public void OneDone_BadSkipped(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.NoneFailed), DependsOn(nameof(Ok), nameof(Bad))] public void NoneFailed_OkBad(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.NoneFailed), DependsOn(nameof(Ok), nameof(Skipped))] public void NoneFailed_OkSkipped(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.NoneFailed), DependsOn(nameof(Bad), nameof(Skipped))] public void NoneFailed_BadSkipped(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.NoneFailedMinOneSuccess), DependsOn(nameof(Ok), nameof(Bad))] public void NoneFailedMinOneSuccess_OkBad(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.NoneFailedMinOneSuccess), DependsOn(nameof(Ok), nameof(Skipped))] public void NoneFailedMinOneSuccess_OkSkipped(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.NoneFailedMinOneSuccess), DependsOn(nameof(Bad), nameof(Skipped))] public void NoneFailedMinOneSuccess_BadSkipped(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.NoneSkipped), DependsOn(nameof(Ok), nameof(Bad))] public void NoneSkipped_OkBad(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.NoneSkipped), DependsOn(nameof(Ok), nameof(Skipped))] public void NoneSkipped_OkSkipped(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.NoneSkipped), DependsOn(nameof(Bad), nameof(Skipped))] public void NoneSkipped_BadSkipped(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.Always), DependsOn(nameof(Ok), nameof(Bad))] public void Always_OkBad(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.Always), DependsOn(nameof(Ok), nameof(Skipped))] public void Always_OkSkipped(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.Always), DependsOn(nameof(Bad), nameof(Skipped))] public void Always_BadSkipped(RunContext run) => effects.Record(run);
}
