// Compiled into the Pipelines.Generators analyzer too, so the generator reads settings by nameof and its enums and
// defaults are these; there it lives in Pipelines.Generators.Api, so a project that references both assemblies
// still sees one Pipelines.DependsOnAttribute. Keep it netstandard2.0-compatible.
using System;

#if PIPELINES_GENERATOR
namespace Pipelines.Generators.Api;
#else
namespace Pipelines;
#endif

/// <summary>Declares that a task runs after the named tasks. Use <c>nameof</c> so renames are safe.</summary>
/// <example><code>[PipelineTask, DependsOn(nameof(Extract), nameof(LoadReference))]</code></example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class DependsOnAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="taskIds">The upstream task ids (method names).</param>
    public DependsOnAttribute(params string[] taskIds) => TaskIds = taskIds;

    /// <summary>The upstream task ids.</summary>
    public string[] TaskIds { get; }
}
