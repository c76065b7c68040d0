// Compiled into the Pipelines.Generators analyzer too, so the generator reads settings by nameof and its enums and
// defaults are these; there it lives in Pipelines.Generators.Api, so a project that references both assemblies
// still sees one Pipelines.RunParametersAttribute. Keep it netstandard2.0-compatible.
using System;

#if PIPELINES_GENERATOR
namespace Pipelines.Generators.Api;
#else
namespace Pipelines;
#endif

/// <summary>
/// Binds a task parameter to the run's typed parameters: the record named by <see cref="PipelineAttribute.Parameters"/>
/// (or, when the pipeline names none, the parameter's own type). The generated dispatch converts the run's stored values
/// into the record; the values were validated when the run was triggered.
/// </summary>
/// <example>
/// <code>
/// public sealed record PriceParams(IReadOnlyList&lt;string&gt; Symbols, bool DryRun = false, [property: Range(1, 10_000)] int MaxRows = 500);
///
/// [Pipeline("backfill_prices", Parameters = typeof(PriceParams))]
/// public sealed partial class BackfillPrices
/// {
///     [PipelineTask]
///     public Task Load([RunParameters] PriceParams p, RunContext run) { ... }
/// }
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Parameter, AllowMultiple = false, Inherited = false)]
public sealed class RunParametersAttribute : Attribute
{
}
