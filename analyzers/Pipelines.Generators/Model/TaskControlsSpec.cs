using Pipelines.Generators.Api;

namespace Pipelines.Generators.Model;

/// <summary>The operational controls of a task (issue 11): pool, concurrency, depends-on-past, weight rule, deadline.</summary>
/// <param name="Pool">The pool whose slots a try takes, or null.</param>
/// <param name="PoolSlots">How many of its slots.</param>
/// <param name="MaxActiveTries">Tries of the task at once across runs; 0 for no limit.</param>
/// <param name="DependsOnPast">Whether the task waits for its previous run's instance; true whenever <paramref name="WaitForDownstream"/> is.</param>
/// <param name="WaitForDownstream">Whether it also waits for that instance's direct downstream.</param>
/// <param name="WeightRule">How the task's effective priority weight is worked out.</param>
/// <param name="Deadline">The deadline as written, or null.</param>
internal sealed record TaskControlsSpec(
    string? Pool,
    int PoolSlots,
    int MaxActiveTries,
    bool DependsOnPast,
    bool WaitForDownstream,
    PriorityWeightRule WeightRule,
    string? Deadline);
