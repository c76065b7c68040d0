using System.Collections.Immutable;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>One task of one run, as recorded in storage.</summary>
/// <param name="TaskId">The task id.</param>
/// <param name="State">Its state.</param>
/// <param name="TryNumber">The current or last try, from 1; 0 before the first try.</param>
/// <param name="Start">When the current or last try started.</param>
/// <param name="End">When it reached its terminal state.</param>
/// <param name="Server">The Hangfire server that ran the last try.</param>
/// <param name="Reason">A sentence for people: why the task is in this state.</param>
/// <param name="JobIds">The Hangfire jobs behind the task, oldest first.</param>
/// <param name="FirstPoke">For a sensor, when it was first poked (its timeout counts from there).</param>
public sealed record TaskInstance(
    string TaskId,
    TaskState State,
    int TryNumber,
    Instant? Start,
    Instant? End,
    string? Server,
    string? Reason,
    ImmutableArray<string> JobIds,
    Instant? FirstPoke)
{
    /// <summary>How long the last try ran, when it has ended.</summary>
    public Duration? Duration => Start is { } s && End is { } e ? e - s : null;

    /// <summary>
    /// The first try of the current attempt: 1, or for a task an operator cleared, the try after the last one before the
    /// clear. Retries count from here, so a cleared task gets its whole retry budget again.
    /// </summary>
    public int FirstTry { get; init; } = 1;

    /// <summary>
    /// An operator cleared the task while a try was running: that try's result is discarded when it ends, and the task
    /// waits for its upstream tasks to run again.
    /// </summary>
    public bool ClearRequested { get; init; }

    /// <summary>
    /// The execution running the current try: a token each start of a try gets, so a result or a heartbeat from an
    /// execution that another delivery of the same job has since replaced is told apart from the current one's.
    /// </summary>
    public string? Execution { get; init; }

    /// <summary>
    /// For a mapped task's own record, how many instances it expanded to (their records are under
    /// <see cref="MapKey"/> ids, <c>Load[0]</c> ...); null before it expands, and for a task that is not mapped. While
    /// its instances run, the record is running; when they are all done it holds their aggregate state.
    /// </summary>
    public int? MapLength { get; init; }

    /// <summary>For an instance of a mapped task, its map index; null otherwise.</summary>
    public int? MapIndex => MapKey.IndexOf(TaskId);

    /// <summary>Whether this is a mapped task's own record after it expanded (it has no job: its instances do).</summary>
    public bool IsExpanded => MapLength is not null;

    /// <summary>Which try of the current attempt the current or last try is, from 1.</summary>
    public int TryOfAttempt => System.Math.Max(1, TryNumber - FirstTry + 1);

    /// <summary>The id of the newest Hangfire job, if any.</summary>
    public string? CurrentJobId => JobIds.IsDefaultOrEmpty ? null : JobIds[^1];

    /// <summary>A task that has not been touched yet.</summary>
    public static TaskInstance Fresh(string taskId) => new(taskId, TaskState.None, 0, null, null, null, "Waiting for its upstream tasks.", ImmutableArray<string>.Empty, null);
}
