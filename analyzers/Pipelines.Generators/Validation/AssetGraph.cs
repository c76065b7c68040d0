using System;
using System.Collections.Generic;
using System.Linq;

namespace Pipelines.Generators.Validation;

/// <summary>
/// The assembly's pipelines joined through assets: pipeline P leads to pipeline C when a task of P produces an asset C's
/// schedule reads. Finds consumed assets nothing produces and cycles of pipelines, iteratively (the task graph's Tarjan),
/// in time linear in pipelines plus asset uses. Holds names and indexes only; the analyzer keeps the locations.
/// </summary>
internal static class AssetGraph
{
    /// <summary>One pipeline: its id, the assets its tasks produce, and the assets its schedule reads.</summary>
    public sealed record Pipeline(string Id, IReadOnlyList<string> Produces, IReadOnlyList<string> Consumes);

    /// <summary>A consumed asset no pipeline produces and none declares external, with the closest known name, if any.</summary>
    public readonly record struct Unknown(int Pipeline, int Consumed, string? Closest);

    /// <summary>A cycle: the pipelines in the order they start each other, and the asset each passes to the next (the last back to the first).</summary>
    public sealed record Cycle(IReadOnlyList<int> Pipelines, IReadOnlyList<string> Assets)
    {
        /// <summary>"a --prices.daily--> b --risk.daily--> a".</summary>
        public string Describe(IReadOnlyList<Pipeline> pipelines)
        {
            var text = new System.Text.StringBuilder();
            for (var i = 0; i < Pipelines.Count; i++)
                text.Append('\'').Append(pipelines[Pipelines[i]].Id).Append("' produces '").Append(Assets[i]).Append("' for ");
            text.Append('\'').Append(pipelines[Pipelines[0]].Id).Append('\'');
            return text.ToString();
        }
    }

    public static List<Unknown> FindUnknown(IReadOnlyList<Pipeline> pipelines, IEnumerable<string> external)
    {
        var known = new HashSet<string>(external, StringComparer.Ordinal);
        foreach (var pipeline in pipelines) known.UnionWith(pipeline.Produces);
        var unknown = new List<Unknown>();
        for (var p = 0; p < pipelines.Count; p++)
        {
            for (var c = 0; c < pipelines[p].Consumes.Count; c++)
            {
                var name = pipelines[p].Consumes[c];
                if (!known.Contains(name)) unknown.Add(new Unknown(p, c, Suggestions.Closest(name, known.OrderBy(k => k, StringComparer.Ordinal))));
            }
        }
        return unknown;
    }

    /// <summary>One cycle per group of pipelines that start each other, each starting at its first pipeline in the list's order.</summary>
    public static List<Cycle> FindCycles(IReadOnlyList<Pipeline> pipelines)
    {
        var producers = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (var p = 0; p < pipelines.Count; p++)
        {
            foreach (var asset in pipelines[p].Produces)
            {
                if (!producers.TryGetValue(asset, out var list)) producers[asset] = list = new List<int>();
                list.Add(p);
            }
        }

        // Edges run from producer (upstream) to consumer, like a task's dependencies; the asset names each edge.
        var cycles = new List<Cycle>();
        var edges = new List<(int To, int From, Parsing.LocationRef At)>();
        var via = new Dictionary<long, string>(EdgeKeyComparer.Instance);
        for (var c = 0; c < pipelines.Count; c++)
        {
            foreach (var asset in pipelines[c].Consumes)
            {
                if (!producers.TryGetValue(asset, out var from)) continue;
                foreach (var p in from)
                {
                    var key = ((long)p << 32) | (uint)c;
                    if (via.ContainsKey(key)) continue;
                    via[key] = asset;
                    // A pipeline that reads what it produces starts itself: a cycle of one, which the graph leaves to us.
                    if (p == c) cycles.Add(new Cycle(new[] { p }, new[] { asset }));
                    else edges.Add((c, p, Parsing.LocationRef.ForClass));
                }
            }
        }

        foreach (var (path, closing) in PipelineGraph.Build(pipelines.Count, edges).FindCycles())
        {
            // The path is in running order (producers first); the closing edge leads from the last back to the first.
            var assets = new List<string>(path.Count);
            for (var i = 0; i < path.Count; i++)
                assets.Add(via[((long)path[i] << 32) | (uint)path[(i + 1) % path.Count]]);
            cycles.Add(new Cycle(path, assets));
        }
        return cycles;
    }
}
