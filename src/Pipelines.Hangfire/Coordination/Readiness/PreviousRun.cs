using System.Collections.Generic;

namespace Pipelines.Hangfire;

/// <summary>
/// The run before this one (<see cref="RunOrder"/>) as depends-on-past judges it: its id, its logical date, and its task
/// records (unparsed; only the states of a task and its direct downstream are read).
/// </summary>
internal sealed record PreviousRun(string RunId, string? LogicalDate, IReadOnlyDictionary<string, string> Records)
{
    /// <summary>The state of <paramref name="taskId"/> in the previous run, or null when the run has no record of it (the task came later).</summary>
    public TaskState? StateOf(string taskId) =>
        Records.TryGetValue(taskId, out var record) && record.Length > 0 ? PipelineStore.StateOf(record) : null;

    /// <summary>How the run is named in a sentence: its id and logical date.</summary>
    public override string ToString() => LogicalDate is { Length: > 0 } date ? $"{RunId} ({date})" : RunId;
}
