namespace Pipelines.Hangfire;

/// <summary>A pipeline runs at most MaxActiveTasks tasks at once across its runs (Airflow's max_active_tasks).</summary>
internal sealed class PipelineConcurrency : SlotLimitReason
{
    public const string ReasonName = "Pipeline concurrency";

    public static readonly PipelineConcurrency Instance = new();

    protected override SlotKind Kind => SlotKind.Pipeline;

    public override string Name => ReasonName;
}
