// Compiled into the Pipelines.Generators analyzer too, so the generator reads settings by nameof and its enums and
// defaults are these; there it lives in Pipelines.Generators.Api, so a project that references both assemblies
// still sees one Pipelines.PipelineCallbackKind. Keep it netstandard2.0-compatible.
#if PIPELINES_GENERATOR
namespace Pipelines.Generators.Api;
#else
namespace Pipelines;
#endif

/// <summary>Which attribute marked a callback method.</summary>
public enum PipelineCallbackKind
{
    /// <summary><see cref="OnFailureAttribute"/>.</summary>
    Failure,
    /// <summary><see cref="OnSuccessAttribute"/>.</summary>
    Success,
    /// <summary><see cref="OnRetryAttribute"/>.</summary>
    Retry,
    /// <summary><see cref="OnDeadlineMissedAttribute"/>.</summary>
    DeadlineMissed,
}
