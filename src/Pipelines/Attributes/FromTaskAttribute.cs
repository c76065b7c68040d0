// Compiled into the Pipelines.Generators analyzer too, so the generator reads settings by nameof and its enums and
// defaults are these; there it lives in Pipelines.Generators.Api, so a project that references both assemblies
// still sees one Pipelines.FromTaskAttribute. Keep it netstandard2.0-compatible.
using System;

#if PIPELINES_GENERATOR
namespace Pipelines.Generators.Api;
#else
namespace Pipelines;
#endif

/// <summary>
/// Binds a task parameter to the output of an upstream task; the dependency is implied.
/// The parameter type must accept the upstream method's return type (after unwrapping <c>Task&lt;T&gt;</c> or <c>ValueTask&lt;T&gt;</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class FromTaskAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="taskId">The upstream task id (method name).</param>
    public FromTaskAttribute(string taskId) => TaskId = taskId;

    /// <summary>The upstream task id.</summary>
    public string TaskId { get; }
}
