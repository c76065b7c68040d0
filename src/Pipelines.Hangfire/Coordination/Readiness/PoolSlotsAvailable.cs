namespace Pipelines.Hangfire;

/// <summary>A task takes PoolSlots slots of its pool while a try runs (Airflow's pool_slots); the pool's slots are shared by every pipeline and server on the storage.</summary>
internal sealed class PoolSlotsAvailable : SlotLimitReason
{
    public const string ReasonName = "Pool slots";

    public static readonly PoolSlotsAvailable Instance = new();

    protected override SlotKind Kind => SlotKind.Pool;

    public override string Name => ReasonName;
}
