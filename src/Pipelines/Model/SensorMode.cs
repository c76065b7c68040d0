// Compiled into the Pipelines.Generators analyzer too, so the generator reads settings by nameof and its enums and
// defaults are these; there it lives in Pipelines.Generators.Api, so a project that references both assemblies
// still sees one Pipelines.SensorMode. Keep it netstandard2.0-compatible.
#if PIPELINES_GENERATOR
namespace Pipelines.Generators.Api;
#else
namespace Pipelines;
#endif

/// <summary>How a sensor waits between pokes.</summary>
public enum SensorMode
{
    /// <summary>The sensor's job ends after each poke and is scheduled again, so a waiting sensor holds no worker.</summary>
    Reschedule,
    /// <summary>The sensor keeps its worker and sleeps between pokes; for short waits only.</summary>
    Poke,
}
