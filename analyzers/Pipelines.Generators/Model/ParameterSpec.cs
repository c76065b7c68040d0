namespace Pipelines.Generators.Model;

/// <summary>A task method parameter and where its value comes from.</summary>
/// <param name="Name">The parameter name.</param>
/// <param name="Source">Run context, cancellation token, or an upstream output.</param>
/// <param name="Type">Fully qualified type with nullable annotations.</param>
/// <param name="TypeOf">Fully qualified type for <c>typeof</c>.</param>
/// <param name="FromTask">For <see cref="ParameterSource.FromTask"/> and <see cref="ParameterSource.MapOver"/>, the upstream task id.</param>
internal sealed record ParameterSpec(string Name, ParameterSource Source, string Type, string TypeOf, string? FromTask);

internal enum ParameterSource
{
    RunContext,
    CancellationToken,
    FromTask,
    RunParameters,
    /// <summary>One element of the upstream task's collection: the task is mapped over it (<c>[MapOver]</c>).</summary>
    MapOver,
}
