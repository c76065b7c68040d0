// Compiled into the Pipelines.Generators analyzer too, so the generator reads settings by nameof and its enums and
// defaults are these; there it lives in Pipelines.Generators.Api, so a project that references both assemblies
// still sees one Pipelines.SensorAttribute. Keep it netstandard2.0-compatible.
using System;

#if PIPELINES_GENERATOR
namespace Pipelines.Generators.Api;
#else
namespace Pipelines;
#endif

/// <summary>
/// Makes a task a sensor: it is poked every <see cref="PokeInterval"/> until it returns <c>true</c>, or fails
/// (or, with <see cref="SoftFail"/>, is skipped) once <see cref="Timeout"/> has passed since its first poke.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class SensorAttribute : Attribute
{
    /// <summary>The wait between pokes, as a <see cref="TimeSpan"/> string. Defaults to one minute.</summary>
    public string? PokeInterval { get; set; }

    /// <summary>How long the sensor may wait in all, as a <see cref="TimeSpan"/> string. Defaults to seven days.</summary>
    public string? Timeout { get; set; }

    /// <summary>Skip instead of fail when the timeout passes.</summary>
    public bool SoftFail { get; set; }

    /// <summary>Whether a waiting sensor gives its worker back between pokes. Defaults to <see cref="SensorMode.Reschedule"/>.</summary>
    public SensorMode Mode { get; set; } = SensorMode.Reschedule;
}
