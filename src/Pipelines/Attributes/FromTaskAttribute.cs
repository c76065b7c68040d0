using System;

namespace Pipelines;

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
