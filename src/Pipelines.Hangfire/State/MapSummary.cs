using System.Collections.Generic;
using System.Linq;

namespace Pipelines.Hangfire;

/// <summary>How a mapped task's instances stand, in a few words, for the dashboard and the command line.</summary>
public static class MapSummary
{
    /// <summary>"3 instances: 2 success, 1 failed" (states in the order of <see cref="TaskState"/>), or "no instances".</summary>
    public static string Describe(IReadOnlyCollection<TaskInstance> instances)
    {
        if (instances.Count == 0) return "no instances";
        var counts = instances.GroupBy(i => i.State).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.Name()}");
        return $"{instances.Count} instance{(instances.Count == 1 ? "" : "s")}: {string.Join(", ", counts)}";
    }
}
