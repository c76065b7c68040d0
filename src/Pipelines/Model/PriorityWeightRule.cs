// Compiled into the Pipelines.Generators analyzer too, so the generator reads settings by nameof and its enums and
// defaults are these; there it lives in Pipelines.Generators.Api, so a project that references both assemblies
// still sees one Pipelines.PriorityWeightRule. Keep it netstandard2.0-compatible.
#if PIPELINES_GENERATOR
namespace Pipelines.Generators.Api;
#else
namespace Pipelines;
#endif

/// <summary>
/// How a task's effective priority weight is worked out from <see cref="PipelineTaskAttribute.PriorityWeight"/>, as
/// Airflow's <c>weight_rule</c>. Among tasks waiting for a pool slot or a concurrency limit, the highest effective weight
/// starts first (ties: the earlier logical date, then the one that waited longest); tasks that become ready in one step are
/// queued in that order too.
/// </summary>
public enum PriorityWeightRule
{
    /// <summary>Its own weight plus the weights of every task downstream of it (the default): a run's upstream work goes first.</summary>
    Downstream,

    /// <summary>Its own weight plus the weights of every task upstream of it: a run nearer its end goes first.</summary>
    Upstream,

    /// <summary>Its own weight alone.</summary>
    Absolute,
}
