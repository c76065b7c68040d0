using System;
using System.Collections.Generic;
using System.Collections.Immutable;

namespace Pipelines;

/// <summary>What a task invocation returned, in the terms the scheduler needs.</summary>
public sealed class TaskOutcome
{
    private static readonly TaskOutcome s_noOutput = new(TaskKind.Task, null, null, ImmutableArray<string>.Empty);

    private TaskOutcome(TaskKind kind, string? outputJson, bool? result, ImmutableArray<string> chosenBranches)
    {
        Kind = kind;
        OutputJson = outputJson;
        Result = result;
        ChosenBranches = chosenBranches;
    }

    /// <summary>The kind of task that produced this outcome.</summary>
    public TaskKind Kind { get; }

    /// <summary>The task's result as JSON, for downstream inputs; null when it returned nothing.</summary>
    public string? OutputJson { get; }

    /// <summary>For a condition, whether downstream runs; for a sensor, whether it is satisfied.</summary>
    public bool? Result { get; }

    /// <summary>For a branch, the target task ids it chose.</summary>
    public ImmutableArray<string> ChosenBranches { get; }

    /// <summary>A plain task finished; <paramref name="outputJson"/> is its serialized result, or null.</summary>
    public static TaskOutcome Completed(string? outputJson) => outputJson is null ? s_noOutput : new(TaskKind.Task, outputJson, null, ImmutableArray<string>.Empty);

    /// <summary>A condition finished with <paramref name="result"/>.</summary>
    public static TaskOutcome Condition(bool result) => new(TaskKind.Condition, result ? "true" : "false", result, ImmutableArray<string>.Empty);

    /// <summary>A branch chose <paramref name="targets"/>.</summary>
    public static TaskOutcome Branch(IEnumerable<string>? targets)
    {
        var chosen = targets is null ? ImmutableArray<string>.Empty : ImmutableArray.CreateRange(targets);
        return new(TaskKind.Branch, null, null, chosen);
    }

    /// <summary>A branch chose one target, or none when <paramref name="target"/> is null.</summary>
    public static TaskOutcome Branch(string? target) => Branch(target is null ? Array.Empty<string>() : new[] { target });

    /// <summary>A sensor was poked; <paramref name="satisfied"/> says whether it may stop waiting.</summary>
    public static TaskOutcome Sensor(bool satisfied) => new(TaskKind.Sensor, null, satisfied, ImmutableArray<string>.Empty);
}
