using System;

namespace Pipelines;

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
