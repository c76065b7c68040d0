using System.Linq;
using Pipelines.Generators.Model;

namespace Pipelines.Generators.Emission;

/// <summary>
/// The mapping settings of a task definition (<c>MapOver</c>, <c>MaxMapLength</c>), written only for a mapped task so
/// that the generated code of every other pipeline stays as it was.
/// </summary>
internal static class MappingEmitter
{
    public static void EmitSettings(SourceWriter w, TaskSpec task, TaskEdgesSpec edges)
    {
        if (edges.MapOver is not { } upstream) return;
        w.Line($"    MapOver = {CSharpLiteral.Int(upstream)},");
        if (task.MaxMapLength > 0) w.Line($"    MaxMapLength = {CSharpLiteral.Int(task.MaxMapLength)},");
        // Typed, so the label needs no reflection: the element as the task reads it, then its label.
        var element = task.Parameters.FirstOrDefault(p => p.Source == ParameterSource.MapOver);
        if (element is null) return;
        var label = task.MapLabelProperty is { } property ? $", static e => e!.{CSharpIdentifier.Escape(property)}" : "";
        w.Line($"    MapLabel = static (global::System.Text.Json.JsonElement element, global::Pipelines.TaskDataSerializer serializer) => global::Pipelines.MapLabels.Of(serializer.DeserializeElement<{element.Type}>(element){label}),");
    }
}
