namespace Pipelines.Generators.Model;

/// <summary>
/// One task's place in the validated graph, in topological positions (the indices the generated definition uses). The
/// validator resolved every id once; the emitter writes these as they are.
/// </summary>
/// <param name="Upstream">The distinct tasks it depends on, ascending.</param>
/// <param name="Downstream">The distinct tasks that depend on it, ascending.</param>
/// <param name="Inputs">For each <c>[FromTask]</c> parameter, in declaration order, the task whose output it takes.</param>
/// <param name="BranchTargets">For each branch target, in declaration order, the task it names.</param>
internal sealed record TaskEdgesSpec(
    EquatableArray<int> Upstream,
    EquatableArray<int> Downstream,
    EquatableArray<int> Inputs,
    EquatableArray<int> BranchTargets)
{
    /// <summary>For a mapped task, the task whose collection it maps over (<c>[MapOver]</c>); null otherwise.</summary>
    public int? MapOver { get; init; }
}
