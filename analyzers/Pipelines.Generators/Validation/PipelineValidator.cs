using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Pipelines.Generators.Api;
using Pipelines.Generators.Model;
using Pipelines.Generators.Parsing;

namespace Pipelines.Generators.Validation;

/// <summary>The graph checks that need every task at once: ids, dependencies, branch targets, cycles, order.</summary>
internal sealed class ValidationResult
{
    public ValidationResult(List<GraphDiagnostic> diagnostics, PipelineGraph? graph, int[]? order, Dictionary<string, int>? taskIndex = null)
    {
        Diagnostics = diagnostics;
        Graph = graph;
        Order = order;
        TaskIndex = taskIndex;
    }

    public List<GraphDiagnostic> Diagnostics { get; }

    /// <summary>The graph over declaration indices, when ids could be resolved.</summary>
    public PipelineGraph? Graph { get; }

    /// <summary>Declaration indices in topological order; null when the graph has a cycle or errors.</summary>
    public int[]? Order { get; }

    /// <summary>Each task's declaration index by id, when ids could be resolved.</summary>
    public Dictionary<string, int>? TaskIndex { get; }

    public bool HasErrors => Diagnostics.Count > 0;

    /// <summary>
    /// Each task's edges by topological position, for the emitter; empty unless the pipeline is valid. Only the generator
    /// asks for them, so the analyzer's pass on every keystroke does not pay for them.
    /// </summary>
    public EquatableArray<TaskEdgesSpec> Edges(PipelineSpec spec)
    {
        if (HasErrors || Graph is null || Order is null || TaskIndex is null) return EquatableArray<TaskEdgesSpec>.Empty;
        var tasks = spec.Tasks;
        var position = new int[Order.Length];
        for (var i = 0; i < Order.Length; i++) position[Order[i]] = i;
        int PositionOf(string id) => position[TaskIndex[id]];

        var edges = new TaskEdgesSpec[Order.Length];
        for (var t = 0; t < Order.Length; t++)
        {
            var declared = Order[t];
            var task = tasks[declared];
            // Plain loops into arrays: this runs for every task on every compilation, and LINQ's iterators and lists showed.
            var upstreamEdges = Graph.Upstream[declared];
            var upstream = new int[upstreamEdges.Count];
            for (var i = 0; i < upstream.Length; i++) upstream[i] = position[upstreamEdges[i].From];
            Array.Sort(upstream);
            var downstreamTasks = Graph.Downstream[declared];
            var downstream = new int[downstreamTasks.Count];
            for (var i = 0; i < downstream.Length; i++) downstream[i] = position[downstreamTasks[i]];
            Array.Sort(downstream);
            var inputs = ImmutableArray.CreateBuilder<int>();
            ParameterSpec? mapOver = null;
            foreach (var p in task.Parameters)
            {
                if (p.FromTask is null) continue;
                if (p.Source == ParameterSource.FromTask) inputs.Add(PositionOf(p.FromTask));
                else if (p.Source == ParameterSource.MapOver && mapOver is null) mapOver = p;
            }
            var targets = new int[task.BranchTargets.Count];
            for (var i = 0; i < targets.Length; i++) targets[i] = PositionOf(task.BranchTargets[i]);
            edges[t] = new TaskEdgesSpec(
                new EquatableArray<int>(ImmutableArray.Create(upstream)),
                new EquatableArray<int>(ImmutableArray.Create(downstream)),
                new EquatableArray<int>(inputs.ToImmutable()),
                new EquatableArray<int>(ImmutableArray.Create(targets)))
            {
                MapOver = mapOver is null ? null : PositionOf(mapOver.FromTask!),
            };
        }
        return edges.ToEquatableArray();
    }
}

internal static class PipelineValidator
{
    public static ValidationResult Validate(PipelineSpec spec)
    {
        var diagnostics = new List<GraphDiagnostic>();
        var tasks = spec.Tasks;

        if (tasks.Count == 0)
        {
            diagnostics.Add(new GraphDiagnostic(DiagnosticDescriptors.EmptyPipeline, LocationRef.ForClass, spec.Id, spec.Type.Name));
            return new ValidationResult(diagnostics, null, null);
        }

        var byId = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < tasks.Count; i++)
        {
            if (byId.ContainsKey(tasks[i].Id))
                diagnostics.Add(new GraphDiagnostic(DiagnosticDescriptors.DuplicateTaskId, LocationRef.ForTask(i), spec.Id, tasks[i].Id));
            else
                byId.Add(tasks[i].Id, i);
        }

        var dependencies = new List<(int To, int From, LocationRef At)>();
        for (var i = 0; i < tasks.Count; i++)
        {
            var task = tasks[i];
            for (var d = 0; d < task.DependsOn.Count; d++)
            {
                var dependency = task.DependsOn[d];
                var at = new LocationRef(LocationKind.DependsOn, i, d);
                if (!byId.TryGetValue(dependency, out var from))
                {
                    var closest = Suggestions.Closest(dependency, byId.Keys);
                    diagnostics.Add(new GraphDiagnostic(DiagnosticDescriptors.UnknownDependency, at, GraphDiagnostic.Property(DiagnosticProperties.Suggestion, closest),
                        task.Id, dependency, spec.Id, Suggestions.DidYouMean(closest)));
                }
                else if (from == i || dependency == task.Id)
                    diagnostics.Add(new GraphDiagnostic(DiagnosticDescriptors.SelfDependency, at, task.Id));
                else
                    dependencies.Add((i, from, at));
            }

            for (var p = 0; p < task.Parameters.Count; p++)
            {
                var parameter = task.Parameters[p];
                if (parameter.Source is not (ParameterSource.FromTask or ParameterSource.MapOver) || parameter.FromTask is null) continue;
                var at = new LocationRef(LocationKind.FromTask, i, p);
                if (!byId.TryGetValue(parameter.FromTask, out var from))
                {
                    var closest = Suggestions.Closest(parameter.FromTask, byId.Keys);
                    diagnostics.Add(new GraphDiagnostic(DiagnosticDescriptors.UnknownInputTask, at, GraphDiagnostic.Property(DiagnosticProperties.Suggestion, closest),
                        parameter.Name, task.Id, parameter.FromTask, spec.Id, Suggestions.DidYouMean(closest)));
                }
                else if (from == i || parameter.FromTask == task.Id)
                    diagnostics.Add(new GraphDiagnostic(DiagnosticDescriptors.SelfDependency, at, task.Id));
                else
                    dependencies.Add((i, from, at));
            }
        }

        var graph = PipelineGraph.Build(tasks.Count, dependencies);

        for (var i = 0; i < tasks.Count; i++)
        {
            var task = tasks[i];
            if (task.Kind != TaskKind.Branch) continue;
            if (task.BranchTargets.Count == 0)
            {
                diagnostics.Add(new GraphDiagnostic(DiagnosticDescriptors.InvalidBranchTarget, LocationRef.ForTask(i), task.Id,
                    "declares no targets", "List the tasks it chooses between, as in [Branch(nameof(PostMeetingNotice), nameof(PostLunchReminder))]."));
                continue;
            }
            for (var t = 0; t < task.BranchTargets.Count; t++)
            {
                var target = task.BranchTargets[t];
                var at = new LocationRef(LocationKind.BranchTarget, i, t);
                if (!byId.TryGetValue(target, out var targetIndex))
                {
                    var closest = Suggestions.Closest(target, byId.Keys);
                    diagnostics.Add(new GraphDiagnostic(DiagnosticDescriptors.InvalidBranchTarget, at, GraphDiagnostic.Property(DiagnosticProperties.Suggestion, closest), task.Id,
                        $"names '{target}' as a target, but pipeline '{spec.Id}' has no such task",
                        (Suggestions.DidYouMean(closest) + " Name a task that depends directly on the branch.").TrimStart()));
                }
                else if (!graph.Upstream[targetIndex].Any(e => e.From == i))
                {
                    diagnostics.Add(new GraphDiagnostic(DiagnosticDescriptors.InvalidBranchTarget, at, task.Id,
                        $"names '{target}' as a target, but '{target}' does not depend on '{task.Id}'", $"Add [DependsOn(nameof({task.Id}))] to '{target}', or remove it from the branch's targets."));
                }
            }
        }

        foreach (var (path, closing) in graph.FindCycles())
        {
            var names = path.Select(p => tasks[p].Id).ToList();
            names.Add(tasks[path[0]].Id);
            diagnostics.Add(new GraphDiagnostic(DiagnosticDescriptors.DependencyCycle, closing.DeclaredAt, spec.Id, string.Join(" → ", names)));
        }

        var order = diagnostics.Count == 0 ? graph.TopologicalOrder() : null;
        return new ValidationResult(diagnostics, graph, order, byId);
    }
}
