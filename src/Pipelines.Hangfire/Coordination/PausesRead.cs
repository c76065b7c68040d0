using System;
using System.Collections.Concurrent;
using System.Collections.Generic;

namespace Pipelines.Hangfire;

/// <summary>
/// Each pipeline's pause field (<see cref="PipelinePause"/>) as this process's tries last read it beside the run's lock:
/// what a try's next start or end expects when it swaps in one go (<see cref="IPipelineConditionalSwapStorage"/>), which
/// checks it where it is stored. An operator's pause or unpause anywhere makes the next swap read the field again.
/// </summary>
internal sealed class PausesRead
{
    private readonly ConcurrentDictionary<string, string?> _fields = new(StringComparer.Ordinal);

    /// <summary>The field as last read for <paramref name="pipelineId"/> (null: not stored); false when none was read yet.</summary>
    public bool TryGet(string pipelineId, out string? field) => _fields.TryGetValue(pipelineId, out field);

    /// <summary>Keeps the pause field of <paramref name="pipelineId"/> as <paramref name="read"/> holds it (absent: not stored).</summary>
    public string? Saw(string pipelineId, IReadOnlyDictionary<string, Dictionary<string, string>> read)
    {
        var field = read.TryGetValue(PipelinePause.Key, out var pauses) ? pauses.GetValueOrDefault(pipelineId) : null;
        _fields[pipelineId] = field;
        return field;
    }

    /// <summary>The condition that the pause field of <paramref name="pipelineId"/> still holds <paramref name="field"/>.</summary>
    public static HashFieldCondition Unchanged(string pipelineId, string? field) => new(PipelinePause.Key, pipelineId, HashFieldTest.Equals, field);
}
