using System.Collections.Generic;
using System.Collections.Immutable;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>How a run came to be.</summary>
public enum RunKind
{
    /// <summary>Created by the pipeline's schedule.</summary>
    Scheduled,
    /// <summary>Triggered by hand.</summary>
    Manual,
    /// <summary>Created by a backfill over a date range.</summary>
    Backfill,
    /// <summary>Created by asset events for its logical date (the partition) once the pipeline's <c>@assets(...)</c> condition held.</summary>
    Asset,
}

/// <summary>A run of a pipeline: its identity, state and task instances.</summary>
/// <param name="PipelineId">The pipeline id.</param>
/// <param name="RunId">The run id, unique within the pipeline.</param>
/// <param name="Kind">Scheduled, manual or backfill.</param>
/// <param name="LogicalDate">The run's logical date in the pipeline's time zone.</param>
/// <param name="DataInterval">The span of time the run covers.</param>
/// <param name="Parameters">The parameters it was triggered with.</param>
/// <param name="State">Queued, running, success or failed.</param>
/// <param name="CreatedAt">When the run was created.</param>
/// <param name="StartedAt">When its first tasks were enqueued.</param>
/// <param name="EndedAt">When its last task reached a terminal state.</param>
/// <param name="Tasks">The task instances in the pipeline's topological order.</param>
public sealed record PipelineRun(
    string PipelineId,
    string RunId,
    RunKind Kind,
    LocalDate LogicalDate,
    Interval DataInterval,
    IReadOnlyDictionary<string, string> Parameters,
    RunState State,
    Instant CreatedAt,
    Instant? StartedAt,
    Instant? EndedAt,
    ImmutableArray<TaskInstance> Tasks)
{
    /// <summary>
    /// The Hangfire queue every task of this run goes to instead of its own, when the run was created for one process
    /// (the command line's <c>--local</c>); null for runs the fleet's servers work on.
    /// </summary>
    public string? Queue { get; init; }

    /// <summary>
    /// The run's trace context (a W3C <c>traceparent</c>): the span of the run, which every try's span continues on
    /// whichever server runs it. Null when nothing listened to the <c>Pipelines</c> activity source at trigger time.
    /// </summary>
    public string? TraceParent { get; init; }

    /// <summary>For a scheduled run, the schedule occurrence it was created for; its schedule delay counts from there.</summary>
    public Instant? ScheduledAt { get; init; }

    /// <summary>For a run started by asset events (<see cref="RunKind.Asset"/>), those events, one per asset that had arrived, by asset name; null for other runs.</summary>
    public IReadOnlyList<AssetEvent>? TriggeredBy { get; init; }

    /// <summary>The deadline the run missed (its pipeline's <c>Deadline</c>), when the deadline watcher found it late; null otherwise.</summary>
    public Instant? MissedDeadline { get; init; }

    /// <summary>
    /// The instances of the run's mapped tasks that expanded, by task id, in map-index order (each has the
    /// <see cref="MapKey"/> id <c>Load[0]</c>, <c>Load[1]</c>, ... as its <see cref="TaskInstance.TaskId"/>).
    /// </summary>
    public ImmutableDictionary<string, ImmutableArray<TaskInstance>> Instances { get; init; } = ImmutableDictionary<string, ImmutableArray<TaskInstance>>.Empty;

    /// <summary>The task instance with the given id, or a mapped task's instance by its id with the map index (<c>Load[2]</c>).</summary>
    public TaskInstance this[string taskId]
    {
        get
        {
            if (MapKey.TryParse(taskId, out var mappedId, out var mapIndex) && Instances.TryGetValue(mappedId, out var instances) && mapIndex < instances.Length)
                return instances[mapIndex];
            foreach (var task in Tasks) if (task.TaskId == taskId) return task;
            throw new KeyNotFoundException($"Run '{RunId}' of pipeline '{PipelineId}' has no task '{taskId}'.");
        }
    }
}
