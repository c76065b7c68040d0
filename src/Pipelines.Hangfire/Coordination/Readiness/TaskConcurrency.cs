namespace Pipelines.Hangfire;

/// <summary>A task runs at most MaxActiveTries tries at once across the pipeline's runs (Airflow's max_active_tis_per_dag).</summary>
internal sealed class TaskConcurrency : SlotLimitReason
{
    public const string ReasonName = "Task concurrency";

    public static readonly TaskConcurrency Instance = new();

    protected override SlotKind Kind => SlotKind.Task;

    public override string Name => ReasonName;
}
