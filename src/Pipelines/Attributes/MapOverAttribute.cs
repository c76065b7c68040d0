// Compiled into the Pipelines.Generators analyzer too, so the generator finds it by nameof; there it lives in
// Pipelines.Generators.Api, so a project that references both assemblies still sees one Pipelines.MapOverAttribute.
// Keep it netstandard2.0-compatible.
using System;

#if PIPELINES_GENERATOR
namespace Pipelines.Generators.Api;
#else
namespace Pipelines;
#endif

/// <summary>
/// Runs the task once per element of an upstream task's collection (Airflow's dynamic task mapping, <c>expand</c>): the
/// parameter receives one element, and <see cref="RunContext.MapIndex"/> says which. The upstream must return
/// <c>IReadOnlyList&lt;T&gt;</c>, <c>T[]</c> or <c>IEnumerable&lt;T&gt;</c> (wrapped in <c>Task&lt;&gt;</c> or <c>ValueTask&lt;&gt;</c> or not),
/// and the parameter's type must be <c>T</c>. The task's other parameters are the same for every instance (Airflow's
/// <c>partial</c>). A downstream task takes all results, in map-index order, as
/// <c>[FromTask(nameof(Task))] IReadOnlyList&lt;TResult&gt;</c>.
/// </summary>
/// <remarks>
/// An empty collection skips the task; one longer than <see cref="PipelineTaskAttribute.MaxMapLength"/> (or the
/// configured <c>Pipelines:MaxMapLength</c>, 1,024 by default) fails it with a reason naming the count and the limit.
/// </remarks>
/// <example><code>
/// [PipelineTask]
/// public Task&lt;Loaded&gt; Load([MapOver(nameof(ListVendorFiles))] VendorFile file, RunContext run) { ... }
/// </code></example>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class MapOverAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="taskId">The upstream task id (method name) whose collection the task maps over.</param>
    public MapOverAttribute(string taskId) => TaskId = taskId;

    /// <summary>The upstream task id.</summary>
    public string TaskId { get; }
}
