// Compiled into the Pipelines.Generators analyzer too, so the generator reads settings by nameof and its enums and
// defaults are these; there it lives in Pipelines.Generators.Api, so a project that references both assemblies
// still sees one Pipelines.PoolAttribute. Keep it netstandard2.0-compatible.
using System;

#if PIPELINES_GENERATOR
namespace Pipelines.Generators.Api;
#else
namespace Pipelines;
#endif

/// <summary>
/// Declares a pool: a number of slots shared by every pipeline and server on a storage, as Airflow's pools. A task that
/// names the pool (<see cref="PipelineTaskAttribute.Pool"/>) takes <see cref="PipelineTaskAttribute.PoolSlots"/> of its
/// slots while a try runs and waits, queued, while they are taken. Naming a pool no <c>[assembly: Pool]</c> declares is
/// a compile error. The slots can be changed at run time by configuration (<c>Pipelines:Pools:&lt;name&gt;</c>).
/// </summary>
/// <example>
/// <code>
/// [assembly: Pool("vendor_api", Slots = 4, Description = "The vendor allows four connections")]
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true, Inherited = false)]
public sealed class PoolAttribute : Attribute
{
    /// <summary>Declares the pool <paramref name="name"/>: letters, digits, <c>_</c>, <c>-</c> and <c>.</c>.</summary>
    public PoolAttribute(string name) => Name = name;

    /// <summary>The pool's name.</summary>
    public string Name { get; }

    /// <summary>How many slots the pool has: at least 1. Defaults to 1.</summary>
    public int Slots { get; set; } = 1;

    /// <summary>What the pool guards, for people.</summary>
    public string? Description { get; set; }
}
