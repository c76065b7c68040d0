// Compiled into the Pipelines.Generators analyzer too, so the generator reads settings by nameof and its enums and
// defaults are these; there it lives in Pipelines.Generators.Api, so a project that references both assemblies
// still sees one Pipelines.PipelineDefaults. Keep it netstandard2.0-compatible.
using System;

#if PIPELINES_GENERATOR
namespace Pipelines.Generators.Api;
#else
namespace Pipelines;
#endif

/// <summary>The values a setting takes when its attribute leaves it unset.</summary>
public static class PipelineDefaults
{
    /// <summary>The time zone of a pipeline that names none.</summary>
    public const string TimeZone = "UTC";

    /// <summary>The queue of a task that names none.</summary>
    public const string Queue = "default";

    /// <summary>The trigger rule of a task that names none.</summary>
    public const TriggerRule Trigger = TriggerRule.AllSuccess;

    /// <summary>How many slots of its pool a try of a task takes.</summary>
    public const int PoolSlots = 1;

    /// <summary>A task's own priority weight.</summary>
    public const int PriorityWeight = 1;

    /// <summary>How a task's effective priority weight is worked out.</summary>
    public const PriorityWeightRule WeightRule = PriorityWeightRule.Downstream;

    /// <summary>How many runs of one pipeline may be active at once.</summary>
    public const int MaxActiveRuns = 16;

    /// <summary>The wait before a retry.</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromMinutes(5);

    /// <summary>The wait between two pokes of a sensor.</summary>
    public static readonly TimeSpan PokeInterval = TimeSpan.FromMinutes(1);

    /// <summary>How long a sensor may wait in all.</summary>
    public static readonly TimeSpan SensorTimeout = TimeSpan.FromDays(7);
}
