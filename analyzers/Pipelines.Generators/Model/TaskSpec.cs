using Pipelines.Generators.Api;

namespace Pipelines.Generators.Model;

/// <summary>A task method as plain data.</summary>
internal sealed record TaskSpec(
    string Id,
    bool IsStatic,
    ReturnShape Return,
    OutputTypeSpec? Output,
    TaskKind Kind,
    BranchReturn BranchReturn,
    EquatableArray<string> DependsOn,
    EquatableArray<ParameterSpec> Parameters,
    int Retries,
    long RetryDelayTicks,
    bool RetryExponentialBackoff,
    long? MaxRetryDelayTicks,
    long? TimeoutTicks,
    TriggerRule Trigger,
    string Queue,
    int PriorityWeight,
    EquatableArray<string> BranchTargets,
    SensorSpec? Sensor,
    TaskControlsSpec Controls)
{
    /// <summary>The assets the task produces (<c>[Produces]</c>), in declaration order.</summary>
    public EquatableArray<string> Produces { get; init; } = EquatableArray<string>.Empty;

    /// <summary>For a mapped task, the most instances it may expand to (<c>MaxMapLength</c>); 0 takes the runtime's setting.</summary>
    public int MaxMapLength { get; init; }

    /// <summary>For a mapped task, the element property marked <c>[MapLabel]</c> that labels each instance; null labels with <c>ToString()</c>.</summary>
    public string? MapLabelProperty { get; init; }
}

/// <summary>How the method returns.</summary>
internal enum ReturnShape
{
    Void,
    Value,
    Task,
    TaskOfT,
    ValueTask,
    ValueTaskOfT,
}

/// <summary>Whether a branch returns one target or a sequence of them.</summary>
internal enum BranchReturn
{
    None,
    Single,
    Many,
}

/// <summary>A task's result type after unwrapping <c>Task&lt;T&gt;</c>.</summary>
/// <param name="Type">Fully qualified, with nullable annotations, for generic arguments.</param>
/// <param name="TypeOf">Fully qualified, without nullable annotations, for <c>typeof</c>.</param>
internal sealed record OutputTypeSpec(string Type, string TypeOf);

/// <summary>Sensor settings, as ticks.</summary>
internal sealed record SensorSpec(long PokeIntervalTicks, long TimeoutTicks, bool SoftFail, SensorMode Mode);
