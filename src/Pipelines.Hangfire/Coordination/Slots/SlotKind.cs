namespace Pipelines.Hangfire;

/// <summary>What a slot limit bounds: a pool's slots, a pipeline's running tasks, or one task's running tries.</summary>
internal enum SlotKind
{
    /// <summary>A named pool shared by every pipeline on the storage (<c>[assembly: Pool]</c>, <see cref="TaskDefinition.Pool"/>).</summary>
    Pool,

    /// <summary>A pipeline's running tasks across its runs (<see cref="PipelineDefinition.MaxActiveTasks"/>).</summary>
    Pipeline,

    /// <summary>A task's running tries across the pipeline's runs (<see cref="TaskDefinition.MaxActiveTries"/>).</summary>
    Task,
}
