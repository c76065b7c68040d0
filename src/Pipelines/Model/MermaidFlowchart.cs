using System.Collections.Immutable;
using System.Globalization;
using System.Text;

namespace Pipelines;

/// <summary>
/// A pipeline's graph as a Mermaid <c>flowchart</c>, written from its tasks when first asked for
/// (<see cref="PipelineDefinition.Mermaid"/>). Node ids are topological positions, since a task id could be a Mermaid
/// keyword such as <c>end</c>; the node's shape says its kind: a rhombus for a condition, a hexagon for a branch, a
/// stadium for a sensor. The generator used to emit this text as a literal: at 2,000 tasks and 20,000 edges it was a
/// fifth of the generated file, which the compiler reads on every build.
/// </summary>
internal static class MermaidFlowchart
{
    public static string Of(ImmutableArray<TaskDefinition> tasks)
    {
        var builder = new StringBuilder("flowchart LR\n");
        foreach (var task in tasks)
        {
            var (open, close) = task.Kind switch
            {
                TaskKind.Condition => ("{\"", "\"}"),
                TaskKind.Branch => ("{{\"", "\"}}"),
                TaskKind.Sensor => ("([\"", "\"])"),
                _ => ("[\"", "\"]"),
            };
            builder.Append("    t").Append(task.Index.ToString(CultureInfo.InvariantCulture)).Append(open).Append(task.Id).Append(close).Append('\n');
        }
        foreach (var task in tasks)
        {
            if (task.Upstream.IsDefaultOrEmpty) continue;
            foreach (var from in task.Upstream)
            {
                builder.Append("    t").Append(from.ToString(CultureInfo.InvariantCulture))
                    .Append(" --> t").Append(task.Index.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }
        return builder.ToString();
    }
}
