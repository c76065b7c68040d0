using System;
using System.Globalization;

namespace Pipelines.Hangfire;

/// <summary>
/// The id of one instance of a mapped task: the task id and the map index, <c>Load[2]</c>. It stands wherever a task id
/// names a task instance (its record, output, log, kept result, heartbeat, slots and Hangfire job arguments), so an
/// instance is a task instance of its own everywhere; a bracket cannot occur in a task id (a C# method name), so the two
/// never collide. The mapped task's own id keeps the record that says how many instances it expanded to.
/// </summary>
internal static class MapKey
{
    /// <summary>The key of instance <paramref name="mapIndex"/> of <paramref name="taskId"/>.</summary>
    public static string Of(string taskId, int mapIndex) => taskId + "[" + mapIndex.ToString(CultureInfo.InvariantCulture) + "]";

    /// <summary>Whether <paramref name="key"/> names an instance of a mapped task, and which.</summary>
    public static bool TryParse(string key, out string taskId, out int mapIndex)
    {
        taskId = key;
        mapIndex = -1;
        if (key.Length < 4 || key[^1] != ']') return false;
        var open = key.LastIndexOf('[');
        if (open <= 0 || !int.TryParse(key.AsSpan(open + 1, key.Length - open - 2), NumberStyles.None, CultureInfo.InvariantCulture, out mapIndex))
        {
            mapIndex = -1;
            return false;
        }
        taskId = key[..open];
        return true;
    }

    /// <summary>The task id of a key: the mapped task's for an instance key, the key itself otherwise.</summary>
    public static string TaskIdOf(string key) => TryParse(key, out var taskId, out _) ? taskId : key;

    /// <summary>The map index of an instance key, or null for a task id.</summary>
    public static int? IndexOf(string key) => TryParse(key, out _, out var index) ? index : null;

    /// <summary>The definition of the task a key names (the mapped task for an instance key).</summary>
    /// <exception cref="System.Collections.Generic.KeyNotFoundException">The pipeline has no such task.</exception>
    public static TaskDefinition Definition(PipelineDefinition pipeline, string key) => pipeline[TaskIdOf(key)];

    /// <summary>Looks up the definition of the task a key names.</summary>
    public static bool TryDefinition(PipelineDefinition pipeline, string key, out TaskDefinition definition) => pipeline.TryGetTask(TaskIdOf(key), out definition);
}
