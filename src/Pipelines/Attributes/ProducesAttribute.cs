// Compiled into the Pipelines.Generators analyzer too, so the generator reads settings by nameof and its enums and
// defaults are these; there it lives in Pipelines.Generators.Api, so a project that references both assemblies
// still sees one Pipelines.ProducesAttribute. Keep it netstandard2.0-compatible.
using System;

#if PIPELINES_GENERATOR
namespace Pipelines.Generators.Api;
#else
namespace Pipelines;
#endif

/// <summary>
/// Declares that a task produces an asset: each time the task succeeds, an asset event for the run's logical date (the
/// partition) is recorded, and pipelines scheduled on the asset (<c>Schedule = "@assets(prices.daily)"</c>) start.
/// </summary>
/// <example><code>
/// [PipelineTask, Produces("prices.daily")]
/// public Task LoadPrices(RunContext run) { ... }
/// </code></example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public sealed class ProducesAttribute : Attribute
{
    /// <summary>Creates the attribute.</summary>
    /// <param name="assets">The asset names, such as <c>"prices.daily"</c>: letters, digits, '.', '_', '-', ':' and '/'.</param>
    public ProducesAttribute(params string[] assets) => Assets = assets;

    /// <summary>The assets the task produces.</summary>
    public string[] Assets { get; }
}
