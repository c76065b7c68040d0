using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;

namespace Pipelines;

/// <summary>
/// Every generated pipeline of the assemblies loaded so far. Each assembly's generated registry adds its pipelines
/// from a module initializer, so hosts find them without reflection.
/// </summary>
public static class PipelineCatalog
{
    private static readonly object s_gate = new();
    private static ImmutableDictionary<string, PipelineDefinition> s_byId = ImmutableDictionary.Create<string, PipelineDefinition>(StringComparer.Ordinal);

    /// <summary>The known pipelines, ordered by id.</summary>
    public static IReadOnlyList<PipelineDefinition> All => s_byId.Values.OrderBy(p => p.Id, StringComparer.Ordinal).ToArray();

    /// <summary>Adds pipelines. Adding the same definition twice is harmless; two different pipelines with one id is an error.</summary>
    /// <exception cref="InvalidOperationException">Another pipeline already has one of the ids.</exception>
    public static void Register(IEnumerable<PipelineDefinition> pipelines)
    {
        if (pipelines is null) throw new ArgumentNullException(nameof(pipelines));
        lock (s_gate)
        {
            var builder = s_byId.ToBuilder();
            foreach (var pipeline in pipelines)
            {
                if (builder.TryGetValue(pipeline.Id, out var existing))
                {
                    if (ReferenceEquals(existing, pipeline)) continue;
                    throw new InvalidOperationException(
                        $"Two pipelines have the id '{pipeline.Id}': {existing.PipelineType.FullName} ({existing.PipelineType.Assembly.GetName().Name}) and {pipeline.PipelineType.FullName} ({pipeline.PipelineType.Assembly.GetName().Name}). Rename one of them.");
                }
                builder[pipeline.Id] = pipeline;
            }
            s_byId = builder.ToImmutable();
        }
    }

    /// <summary>Looks a pipeline up by id.</summary>
    public static bool TryGet(string id, out PipelineDefinition pipeline) => s_byId.TryGetValue(id, out pipeline!);

    /// <summary>The pipeline with the given id.</summary>
    /// <exception cref="KeyNotFoundException">No loaded assembly defines it.</exception>
    public static PipelineDefinition Get(string id) => s_byId.TryGetValue(id, out var pipeline)
        ? pipeline
        : throw new KeyNotFoundException($"No pipeline has the id '{id}'. Known pipelines: {string.Join(", ", s_byId.Keys.OrderBy(k => k, StringComparer.Ordinal))}.");
}
