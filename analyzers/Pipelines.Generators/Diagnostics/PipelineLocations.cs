using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Pipelines.Generators.Parsing;

/// <summary>
/// Where each part of a pipeline stands in source. Kept beside the model, never in it, so the generator's
/// cached model holds no <see cref="Location"/>; the analyzer uses it to place graph diagnostics.
/// </summary>
internal sealed class PipelineLocations
{
    public PipelineLocations(Location classIdentifier) => Class = classIdentifier;

    public Location Class { get; }

    public List<TaskLocations> Tasks { get; } = new();

    public Location Resolve(LocationRef where)
    {
        if (where.Kind == LocationKind.Class || where.Task < 0 || where.Task >= Tasks.Count) return Class;
        var task = Tasks[where.Task];
        return where.Kind switch
        {
            LocationKind.DependsOn when where.Item < task.DependsOn.Count => task.DependsOn[where.Item],
            LocationKind.FromTask when where.Item < task.Parameters.Count && task.Parameters[where.Item] is { } parameter => parameter,
            LocationKind.BranchTarget when where.Item < task.BranchTargets.Count => task.BranchTargets[where.Item],
            _ => task.Method,
        };
    }
}

/// <summary>Where the parts of one task stand in source.</summary>
internal sealed class TaskLocations
{
    public TaskLocations(Location method) => Method = method;

    public Location Method { get; }

    /// <summary>One per <c>DependsOn</c> id, in model order.</summary>
    public List<Location> DependsOn { get; } = new();

    /// <summary>One per model parameter: the <c>[FromTask]</c> argument, or null for other parameters.</summary>
    public List<Location?> Parameters { get; } = new();

    /// <summary>One per branch target.</summary>
    public List<Location> BranchTargets { get; } = new();
}

internal enum LocationKind
{
    Class,
    TaskMethod,
    DependsOn,
    FromTask,
    BranchTarget,
}

/// <summary>A pointer into <see cref="PipelineLocations"/> that a validator result can carry without holding a location.</summary>
internal readonly struct LocationRef
{
    public LocationRef(LocationKind kind, int task, int item)
    {
        Kind = kind;
        Task = task;
        Item = item;
    }

    public LocationKind Kind { get; }
    public int Task { get; }
    public int Item { get; }

    public static LocationRef ForClass => new(LocationKind.Class, -1, -1);
    public static LocationRef ForTask(int task) => new(LocationKind.TaskMethod, task, -1);
}
