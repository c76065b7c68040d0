// Compiled into the Pipelines.Generators analyzer too, so the generator reads settings by nameof and its enums and
// defaults are these; there it lives in Pipelines.Generators.Api, so a project that references both assemblies
// still sees one Pipelines.ExternalAssetAttribute. Keep it netstandard2.0-compatible.
using System;

#if PIPELINES_GENERATOR
namespace Pipelines.Generators.Api;
#else
namespace Pipelines;
#endif

/// <summary>
/// Declares an asset produced outside this application (a vendor's file, another system's load), so pipelines may be
/// scheduled on it without a warning that nothing produces it. Its events are posted by the command line's
/// <c>asset-event &lt;name&gt; --partition 2024-11-27</c> or the serve API.
/// </summary>
/// <example><code>[assembly: ExternalAsset("vendor.fundamentals")]</code></example>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
public sealed class ExternalAssetAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="name">The asset name.</param>
    public ExternalAssetAttribute(string name) => Name = name;

    /// <summary>The asset name.</summary>
    public string Name { get; }
}
