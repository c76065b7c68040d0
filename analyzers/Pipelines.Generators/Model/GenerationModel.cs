namespace Pipelines.Generators.Model;

/// <summary>What the generator keeps per pipeline class between runs: the model, its validated graph, and whether it can be emitted.</summary>
/// <param name="Spec">The model; null when the class could not be read.</param>
/// <param name="Order">Declaration indices in topological order; empty when there are errors.</param>
/// <param name="Edges">Each task's edges by topological position, as <see cref="Order"/> places them; empty when there are errors.</param>
/// <param name="HasErrors">Whether any diagnostic or compiler error stops emission.</param>
internal sealed record GenerationModel(PipelineSpec? Spec, EquatableArray<int> Order, EquatableArray<TaskEdgesSpec> Edges, bool HasErrors);
