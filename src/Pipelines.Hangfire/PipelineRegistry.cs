using System;
using System.Collections.Generic;
using System.Linq;

namespace Pipelines.Hangfire;

/// <summary>The pipelines this runtime runs, by id.</summary>
public sealed class PipelineRegistry
{
    private readonly Dictionary<string, PipelineDefinition> _byId;

    /// <summary>Creates a registry; pipeline ids must be unique.</summary>
    public PipelineRegistry(IEnumerable<PipelineDefinition> pipelines)
    {
        _byId = new Dictionary<string, PipelineDefinition>(StringComparer.Ordinal);
        foreach (var pipeline in pipelines)
        {
            if (!_byId.TryAdd(pipeline.Id, pipeline) && !ReferenceEquals(_byId[pipeline.Id], pipeline))
                throw new InvalidOperationException($"Two pipelines have the id '{pipeline.Id}'. Rename one of them.");
        }
    }

    /// <summary>The pipelines, ordered by id.</summary>
    public IReadOnlyList<PipelineDefinition> All => _byId.Values.OrderBy(p => p.Id, StringComparer.Ordinal).ToList();

    /// <summary>Every queue a task of these pipelines runs in, plus <c>default</c>; give them to the Hangfire server.</summary>
    public string[] Queues => _byId.Values.SelectMany(p => p.Tasks).Select(t => t.Queue).Append(PipelineDefaults.Queue)
        .Distinct(StringComparer.Ordinal).OrderBy(q => q == PipelineDefaults.Queue ? "" : q, StringComparer.Ordinal).ToArray();

    /// <summary>Looks a pipeline up.</summary>
    public bool TryGet(string id, out PipelineDefinition pipeline) => _byId.TryGetValue(id, out pipeline!);

    /// <summary>The pipeline with the given id.</summary>
    /// <exception cref="KeyNotFoundException">No such pipeline; the message lists the known ids.</exception>
    public PipelineDefinition Get(string id) => _byId.TryGetValue(id, out var pipeline)
        ? pipeline
        : throw new KeyNotFoundException($"No pipeline has the id '{id}'. Known pipelines: {string.Join(", ", _byId.Keys.OrderBy(k => k, StringComparer.Ordinal))}.");
}
