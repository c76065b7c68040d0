using System.Collections.Generic;
using Pipelines.Generators.Model;
using Pipelines.Generators.Parsing;

namespace Pipelines.Generators.Validation;

/// <summary>
/// The dependency graph of a pipeline: edges run from an upstream task to the task that declared the dependency.
/// Every algorithm here is iterative and linear in tasks plus edges, so a 10,000-task chain cannot overflow the stack.
/// </summary>
internal sealed class PipelineGraph
{
    private PipelineGraph(int count)
    {
        Upstream = new List<Edge>[count];
        Downstream = new List<int>[count];
        for (var i = 0; i < count; i++)
        {
            Upstream[i] = new List<Edge>();
            Downstream[i] = new List<int>();
        }
    }

    /// <summary>For each task, its distinct upstream tasks with where the dependency was declared.</summary>
    public List<Edge>[] Upstream { get; }

    /// <summary>For each task, its distinct downstream tasks.</summary>
    public List<int>[] Downstream { get; }

    public int Count => Upstream.Length;

    /// <summary>One declared dependency: <see cref="From"/> must run before the task that declared it.</summary>
    internal readonly struct Edge
    {
        public Edge(int from, LocationRef declaredAt)
        {
            From = from;
            DeclaredAt = declaredAt;
        }

        public int From { get; }
        public LocationRef DeclaredAt { get; }
    }

    /// <summary>Builds the graph from resolved dependencies; unknown ids and self-dependencies must already be filtered out.</summary>
    public static PipelineGraph Build(int count, IEnumerable<(int To, int From, LocationRef DeclaredAt)> dependencies)
    {
        var graph = new PipelineGraph(count);
        var seen = new HashSet<long>(EdgeKeyComparer.Instance);
        foreach (var (to, from, at) in dependencies)
        {
            if (!seen.Add(((long)from << 32) | (uint)to)) continue;
            graph.Upstream[to].Add(new Edge(from, at));
            graph.Downstream[from].Add(to);
        }
        foreach (var list in graph.Downstream) list.Sort();
        return graph;
    }

    /// <summary>
    /// Kahn's algorithm, taking ready tasks in declaration order so the order is stable and readable.
    /// Returns null when the graph has a cycle.
    /// </summary>
    public int[]? TopologicalOrder()
    {
        var remaining = new int[Count];
        var ready = new SortedSet<int>();
        for (var i = 0; i < Count; i++)
        {
            remaining[i] = Upstream[i].Count;
            if (remaining[i] == 0) ready.Add(i);
        }

        var order = new int[Count];
        var next = 0;
        while (ready.Count > 0)
        {
            var task = ready.Min;
            ready.Remove(task);
            order[next++] = task;
            foreach (var downstream in Downstream[task])
            {
                if (--remaining[downstream] == 0) ready.Add(downstream);
            }
        }
        return next == Count ? order : null;
    }

    /// <summary>
    /// Finds one cycle in every strongly connected component that has one (Tarjan's algorithm, iteratively).
    /// Each cycle is a list of tasks in running order, starting with the earliest-declared task of the component,
    /// plus the edge that closes it (declared by that first task).
    /// </summary>
    public List<(List<int> Path, Edge Closing)> FindCycles()
    {
        var index = new int[Count];
        var low = new int[Count];
        var onStack = new bool[Count];
        var component = new int[Count];
        for (var i = 0; i < Count; i++) { index[i] = -1; component[i] = -1; }
        var stack = new Stack<int>();
        var components = new List<List<int>>();
        var counter = 0;

        // Walk along upstream edges; components are the same either way.
        var work = new Stack<(int Node, int NextEdge)>();
        for (var start = 0; start < Count; start++)
        {
            if (index[start] != -1) continue;
            work.Push((start, 0));
            index[start] = low[start] = counter++;
            stack.Push(start);
            onStack[start] = true;
            while (work.Count > 0)
            {
                var (node, nextEdge) = work.Pop();
                var edges = Upstream[node];
                if (nextEdge < edges.Count)
                {
                    work.Push((node, nextEdge + 1));
                    var neighbour = edges[nextEdge].From;
                    if (index[neighbour] == -1)
                    {
                        index[neighbour] = low[neighbour] = counter++;
                        stack.Push(neighbour);
                        onStack[neighbour] = true;
                        work.Push((neighbour, 0));
                    }
                    else if (onStack[neighbour] && index[neighbour] < low[node])
                    {
                        low[node] = index[neighbour];
                    }
                    continue;
                }

                if (low[node] == index[node])
                {
                    var members = new List<int>();
                    int member;
                    do
                    {
                        member = stack.Pop();
                        onStack[member] = false;
                        component[member] = components.Count;
                        members.Add(member);
                    }
                    while (member != node);
                    components.Add(members);
                }

                if (work.Count > 0)
                {
                    var parent = work.Peek().Node;
                    if (low[node] < low[parent]) low[parent] = low[node];
                }
            }
        }

        var cycles = new List<(List<int>, Edge)>();
        foreach (var members in components)
        {
            if (members.Count < 2) continue;
            var first = int.MaxValue;
            foreach (var m in members) if (m < first) first = m;
            cycles.Add(CycleThrough(first, component));
        }
        cycles.Sort((a, b) => a.Item1[0].CompareTo(b.Item1[0]));
        return cycles;
    }

    /// <summary>The shortest cycle from <paramref name="start"/> back to itself inside its component, by breadth-first search downstream.</summary>
    private (List<int> Path, Edge Closing) CycleThrough(int start, int[] component)
    {
        var closers = new Dictionary<int, Edge>();
        foreach (var edge in Upstream[start])
        {
            if (!closers.ContainsKey(edge.From)) closers.Add(edge.From, edge);
        }
        var parent = new Dictionary<int, int> { [start] = -1 };
        var queue = new Queue<int>();
        queue.Enqueue(start);
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            if (closers.TryGetValue(node, out var closing))
            {
                var path = new List<int>();
                for (var at = node; at != -1; at = parent[at]) path.Add(at);
                path.Reverse();
                return (path, closing);
            }
            foreach (var next in Downstream[node])
            {
                if (component[next] != component[start] || parent.ContainsKey(next)) continue;
                parent[next] = node;
                queue.Enqueue(next);
            }
        }
        // Unreachable for a real component of two or more tasks.
        return (new List<int> { start }, Upstream[start][0]);
    }
}
