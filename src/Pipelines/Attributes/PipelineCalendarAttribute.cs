// Compiled into the Pipelines.Generators analyzer too, so the generator reads settings by nameof and its enums and
// defaults are these; there it lives in Pipelines.Generators.Api, so a project that references both assemblies
// still sees one Pipelines.PipelineCalendarAttribute. Keep it netstandard2.0-compatible.
using System;

#if PIPELINES_GENERATOR
namespace Pipelines.Generators.Api;
#else
namespace Pipelines;
#endif

/// <summary>
/// Declares a calendar id that this assembly registers at run time, so pipelines may name it in
/// <see cref="PipelineAttribute.Calendar"/> without a compile error.
/// </summary>
/// <example><code>[assembly: PipelineCalendar("ACME_HOLIDAYS")]</code></example>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
public sealed class PipelineCalendarAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="id">The calendar id.</param>
    public PipelineCalendarAttribute(string id) => Id = id;

    /// <summary>The calendar id.</summary>
    public string Id { get; }
}
