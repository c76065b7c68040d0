// Compiled into the Pipelines.Generators analyzer too, so the generator reads settings by nameof and its enums and
// defaults are these; there it lives in Pipelines.Generators.Api, so a project that references both assemblies
// still sees one Pipelines.BranchAttribute. Keep it netstandard2.0-compatible.
using System;

#if PIPELINES_GENERATOR
namespace Pipelines.Generators.Api;
#else
namespace Pipelines;
#endif

/// <summary>
/// Makes a task a branch: it returns the id of the target to follow (a <c>string</c>) or several
/// (<c>IEnumerable&lt;string&gt;</c>); the other declared targets are skipped. Each target must be a direct downstream task.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class BranchAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="targets">The task ids this branch may choose between.</param>
    public BranchAttribute(params string[] targets) => Targets = targets;

    /// <summary>The task ids this branch may choose between.</summary>
    public string[] Targets { get; }
}
