using System;

namespace Pipelines;

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
