using System;
namespace Pipelines.Hangfire;

/// <summary>The state of one task instance in a run, with Airflow's names (see <see cref="TaskStates.Name"/>).</summary>
public enum TaskState
{
    /// <summary>Waiting for its upstream tasks; nothing has been decided yet.</summary>
    None,
    /// <summary>A Hangfire job is scheduled to start it later (a retry or a sensor's next poke).</summary>
    Scheduled,
    /// <summary>Its Hangfire job is enqueued and waits for a worker.</summary>
    Queued,
    /// <summary>A worker is running it.</summary>
    Running,
    /// <summary>It finished successfully.</summary>
    Success,
    /// <summary>It failed and has no retries left.</summary>
    Failed,
    /// <summary>A try failed; the next try is scheduled.</summary>
    UpForRetry,
    /// <summary>A sensor was poked and is not yet satisfied; the next poke is scheduled.</summary>
    UpForReschedule,
    /// <summary>It will not run: a condition, a branch or its trigger rule skipped it.</summary>
    Skipped,
    /// <summary>It will not run because an upstream task failed.</summary>
    UpstreamFailed,
    /// <summary>It is no longer part of the pipeline.</summary>
    Removed,
}

/// <summary>Names and groupings of <see cref="TaskState"/>.</summary>
public static class TaskStates
{
    /// <summary>The state's name as operators know it from Airflow: <c>up_for_retry</c>, <c>upstream_failed</c>, ...</summary>
    public static string Name(this TaskState state) => state switch
    {
        TaskState.None => "none",
        TaskState.Scheduled => "scheduled",
        TaskState.Queued => "queued",
        TaskState.Running => "running",
        TaskState.Success => "success",
        TaskState.Failed => "failed",
        TaskState.UpForRetry => "up_for_retry",
        TaskState.UpForReschedule => "up_for_reschedule",
        TaskState.Skipped => "skipped",
        TaskState.UpstreamFailed => "upstream_failed",
        TaskState.Removed => "removed",
        _ => state.ToString(),
    };

    /// <summary>Reads a state name written by <see cref="Name"/>; null or empty is <see cref="TaskState.None"/>.</summary>
    public static TaskState Parse(string? name) => Parse(name.AsSpan());

    /// <summary>Reads a state name written by <see cref="Name"/> without allocating.</summary>
    public static TaskState Parse(ReadOnlySpan<char> name) => name switch
    {
        "" or "none" => TaskState.None,
        "scheduled" => TaskState.Scheduled,
        "queued" => TaskState.Queued,
        "running" => TaskState.Running,
        "success" => TaskState.Success,
        "failed" => TaskState.Failed,
        "up_for_retry" => TaskState.UpForRetry,
        "up_for_reschedule" => TaskState.UpForReschedule,
        "skipped" => TaskState.Skipped,
        "upstream_failed" => TaskState.UpstreamFailed,
        "removed" => TaskState.Removed,
        _ => throw new FormatException($"'{name.ToString()}' is not a task state."),
    };

    /// <summary>Whether the task will not change again unless an operator clears it.</summary>
    public static bool IsTerminal(this TaskState state) =>
        state is TaskState.Success or TaskState.Failed or TaskState.Skipped or TaskState.UpstreamFailed or TaskState.Removed;

    /// <summary>Whether a Hangfire job exists (or is about to) for the task's current try.</summary>
    public static bool IsInFlight(this TaskState state) =>
        state is TaskState.Scheduled or TaskState.Queued or TaskState.Running or TaskState.UpForRetry or TaskState.UpForReschedule;
}
