using System;
using System.Collections.Immutable;

namespace Pipelines;

/// <summary>One task of a compiled pipeline, as the generator emitted it. Indices refer to <see cref="PipelineDefinition.Tasks"/>.</summary>
/// <remarks>
/// The generator writes only the settings that differ from these initializers, so every default here is a
/// <see cref="PipelineDefaults"/> value (compiled into the generator) or the type's own default.
/// </remarks>
public sealed class TaskDefinition
{
    /// <summary>The position of this task in the pipeline's topological order.</summary>
    public required int Index { get; init; }

    /// <summary>The task id: the method name.</summary>
    public required string Id { get; init; }

    /// <summary>Plain task, condition, branch or sensor.</summary>
    public TaskKind Kind { get; init; }

    /// <summary>The indices of the direct upstream tasks, ascending.</summary>
    public ImmutableArray<int> Upstream { get; init; } = ImmutableArray<int>.Empty;

    /// <summary>The indices of the direct downstream tasks, ascending.</summary>
    public ImmutableArray<int> Downstream { get; init; } = ImmutableArray<int>.Empty;

    /// <summary>How many times a failed try is retried.</summary>
    public int Retries { get; init; }

    /// <summary>The wait before the first retry.</summary>
    public TimeSpan RetryDelay { get; init; } = PipelineDefaults.RetryDelay;

    /// <summary>Whether the delay doubles after every try.</summary>
    public bool RetryExponentialBackoff { get; init; }

    /// <summary>The cap on the delay with exponential backoff; none when null.</summary>
    public TimeSpan? MaxRetryDelay { get; init; }

    /// <summary>How long one try may run; no limit when null.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>When the task may run, given its upstream states.</summary>
    public TriggerRule Trigger { get; init; } = PipelineDefaults.Trigger;

    /// <summary>The Hangfire queue the task runs in.</summary>
    public string Queue { get; init; } = PipelineDefaults.Queue;

    /// <summary>The pool whose slots a try takes while it runs, or null.</summary>
    public string? Pool { get; init; }

    /// <summary>How many slots of <see cref="Pool"/> a try takes.</summary>
    public int PoolSlots { get; init; } = PipelineDefaults.PoolSlots;

    /// <summary>How many tries of this task may run at once across the pipeline's runs; 0 for no limit.</summary>
    public int MaxActiveTries { get; init; }

    /// <summary>Whether the task waits for its instance in the previous run to have succeeded or been skipped.</summary>
    public bool DependsOnPast { get; init; }

    /// <summary>Whether the task also waits for the direct downstream of its previous run's instance; implies <see cref="DependsOnPast"/>.</summary>
    public bool WaitForDownstream { get; init; }

    /// <summary>The task's own priority weight (see <see cref="PipelineDefinition.PriorityWeightOf"/> for the effective one).</summary>
    public int PriorityWeight { get; init; } = PipelineDefaults.PriorityWeight;

    /// <summary>How the effective weight is worked out.</summary>
    public PriorityWeightRule WeightRule { get; init; } = PipelineDefaults.WeightRule;

    /// <summary>The task's deadline as written (<see cref="Schedules.DeadlineSyntax"/>), or null.</summary>
    public string? Deadline { get; init; }

    /// <summary>The parameters bound to upstream outputs.</summary>
    public ImmutableArray<TaskInput> Inputs { get; init; } = ImmutableArray<TaskInput>.Empty;

    /// <summary>The type of the task's result after unwrapping <c>Task&lt;T&gt;</c>, or null when it returns nothing.</summary>
    public Type? OutputType { get; init; }

    /// <summary>
    /// For a mapped task (<see cref="MapOverAttribute"/>), the index of the upstream task whose collection it maps over;
    /// null for a task that runs once per run.
    /// </summary>
    public int? MapOver { get; init; }

    /// <summary>For a mapped task, the most instances it may expand to; 0 takes the runtime's setting.</summary>
    public int MaxMapLength { get; init; }

    /// <summary>
    /// For a mapped task, the generated, typed label of one element of its upstream collection (its
    /// <see cref="MapLabelAttribute"/> property, or its <c>ToString()</c>), for people; null for a task that is not mapped.
    /// </summary>
    public Func<System.Text.Json.JsonElement, TaskDataSerializer, string?>? MapLabel { get; init; }

    /// <summary>For a branch, the indices of the tasks it may choose between.</summary>
    public ImmutableArray<int> BranchTargets { get; init; } = ImmutableArray<int>.Empty;

    /// <summary>The assets the task produces (<see cref="ProducesAttribute"/>): each success records an event for each.</summary>
    public ImmutableArray<string> Produces { get; init; } = ImmutableArray<string>.Empty;

    /// <summary>For a sensor, how it pokes and when it gives up; null for other kinds.</summary>
    public SensorSettings? Sensor { get; init; }

    /// <summary>
    /// The wait before the retry that follows try <paramref name="tryNumber"/> (1 for the first try):
    /// the fixed delay, or with exponential backoff the delay doubled per earlier try, capped at <see cref="MaxRetryDelay"/>.
    /// </summary>
    public TimeSpan RetryDelayAfter(int tryNumber)
    {
        if (tryNumber < 1) throw new ArgumentOutOfRangeException(nameof(tryNumber), tryNumber, "Try numbers start at 1.");
        if (!RetryExponentialBackoff) return RetryDelay;
        var cap = MaxRetryDelay ?? TimeSpan.MaxValue;
        var delay = RetryDelay;
        for (var i = 1; i < tryNumber; i++)
        {
            if (delay >= cap || delay.Ticks > TimeSpan.MaxValue.Ticks / 2) return cap;
            delay = TimeSpan.FromTicks(delay.Ticks * 2);
        }
        return delay > cap ? cap : delay;
    }

    /// <inheritdoc />
    public override string ToString() => Id;
}
