// Compiled into the Pipelines.Generators analyzer too, so the generator reads settings by nameof and its enums and
// defaults are these; there it lives in Pipelines.Generators.Api, so a project that references both assemblies
// still sees one Pipelines.TaskKind. Keep it netstandard2.0-compatible.
#if PIPELINES_GENERATOR
namespace Pipelines.Generators.Api;
#else
namespace Pipelines;
#endif

/// <summary>What a task's result means to the scheduler.</summary>
public enum TaskKind
{
    /// <summary>A plain task: its result, if any, is data for downstream tasks.</summary>
    Task,
    /// <summary>A condition: <c>false</c> skips everything downstream.</summary>
    Condition,
    /// <summary>A branch: the returned targets run, the other declared targets are skipped.</summary>
    Branch,
    /// <summary>A sensor: poked until it returns <c>true</c> or times out.</summary>
    Sensor,
}
