// Compiled into the Pipelines.Generators analyzer too, so the generator reads settings by nameof and its enums and
// defaults are these; there it lives in Pipelines.Generators.Api, so a project that references both assemblies
// still sees one Pipelines.ConditionAttribute. Keep it netstandard2.0-compatible.
using System;

#if PIPELINES_GENERATOR
namespace Pipelines.Generators.Api;
#else
namespace Pipelines;
#endif

/// <summary>
/// Makes a task a condition (a short circuit): it returns <c>bool</c>, and <c>false</c> skips every task downstream of it.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ConditionAttribute : Attribute
{
}
