// Compiled into the Pipelines.Generators analyzer too, so the generator finds it by nameof; there it lives in
// Pipelines.Generators.Api, so a project that references both assemblies still sees one Pipelines.MapLabelAttribute.
// Keep it netstandard2.0-compatible.
using System;

#if PIPELINES_GENERATOR
namespace Pipelines.Generators.Api;
#else
namespace Pipelines;
#endif

/// <summary>
/// Marks the property of a mapped task's element type whose value labels each instance in the dashboard and the command
/// line (a file name, a desk); without it an instance is labelled with its element's <c>ToString()</c>.
/// </summary>
/// <example><code>
/// public sealed record VendorFile([property: MapLabel] string Name, long Bytes);
/// </code></example>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class MapLabelAttribute : Attribute
{
}
