namespace Pipelines.Generators.Model;

/// <summary>The operational controls of a task (issue 11): pool, concurrency, depends-on-past, weight rule, deadline.</summary>
/// <param name="Pool">The pool whose slots a try takes, or null.</param>
/// <param name="PoolSlots">How many of its slots.</param>
/// <param name="MaxActiveTries">Tries of the task at once across runs; 0 for no limit.</param>
/// <param name="DependsOnPast">Whether the task waits for its previous run's instance; true whenever <paramref name="WaitForDownstream"/> is.</param>
/// <param name="WaitForDownstream">Whether it also waits for that instance's direct downstream.</param>
/// <param name="WeightRule">The <c>Pipelines.PriorityWeightRule</c> member name, read from the user's compilation.</param>
/// <param name="Deadline">The deadline as written, or null.</param>
internal sealed record TaskControlsSpec(
    string? Pool,
    int PoolSlots,
    int MaxActiveTries,
    bool DependsOnPast,
    bool WaitForDownstream,
    string WeightRule,
    string? Deadline)
{
    /// <summary>
    /// <c>PipelineTaskAttribute.WeightRule</c>'s default; an attribute's property initializer cannot be read from metadata,
    /// so it is repeated here and <c>CompileAndRunTests</c> checks it against the API.
    /// </summary>
    public const string DefaultWeightRule = "Downstream";
}
