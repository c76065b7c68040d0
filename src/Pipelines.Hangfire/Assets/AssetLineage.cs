using System;
using System.Collections.Generic;
using System.Linq;
using Pipelines.Schedules;

namespace Pipelines.Hangfire;

/// <summary>
/// One asset as the application's pipelines use it: the tasks that produce it and the pipelines scheduled on it. An
/// asset nothing here produces is external (declared with <c>[assembly: ExternalAsset]</c>, its events posted from outside).
/// </summary>
/// <param name="Asset">The asset name.</param>
/// <param name="Producers">The producing tasks as (pipeline, task), in pipeline id order.</param>
/// <param name="Consumers">The pipelines whose <c>@assets(...)</c> schedule reads it, in id order.</param>
public sealed record AssetLineage(string Asset, IReadOnlyList<(string PipelineId, string TaskId)> Producers, IReadOnlyList<string> Consumers)
{
    /// <summary>Whether no pipeline of the application produces the asset.</summary>
    public bool IsExternal => Producers.Count == 0;

    /// <summary>Every asset the pipelines produce or consume, by name, with who produces and who consumes it.</summary>
    public static IReadOnlyList<AssetLineage> Of(IEnumerable<PipelineDefinition> pipelines)
    {
        var producers = new SortedDictionary<string, List<(string, string)>>(StringComparer.Ordinal);
        var consumers = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var pipeline in pipelines.OrderBy(p => p.Id, StringComparer.Ordinal))
        {
            foreach (var task in pipeline.Tasks)
                foreach (var asset in task.Produces) Add(producers, asset, (pipeline.Id, task.Id));
            foreach (var asset in PipelineSchedule.Parse(pipeline.Schedule).AssetNames) Add(consumers, asset, pipeline.Id);
        }
        return producers.Keys.Union(consumers.Keys).OrderBy(n => n, StringComparer.Ordinal)
            .Select(n => new AssetLineage(n, producers.GetValueOrDefault(n) ?? [], consumers.GetValueOrDefault(n) ?? []))
            .ToList();

        static void Add<T>(SortedDictionary<string, List<T>> map, string key, T value)
        {
            if (!map.TryGetValue(key, out var list)) map[key] = list = new List<T>();
            list.Add(value);
        }
    }
}
