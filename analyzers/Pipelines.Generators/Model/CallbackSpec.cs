using Pipelines.Generators.Api;

namespace Pipelines.Generators.Model;

/// <summary>A method of the pipeline class marked [OnFailure], [OnSuccess], [OnRetry] or [OnDeadlineMissed].</summary>
/// <param name="MethodName">The method's name.</param>
/// <param name="Kind">Which events it hears.</param>
/// <param name="IsStatic">Whether the method is static (then no instance of the class is created for it).</param>
/// <param name="Return">Void, Task or ValueTask.</param>
/// <param name="TaskIds">The tasks it hears; empty for pipeline-wide.</param>
/// <param name="Parameters">Its parameters in order.</param>
internal sealed record CallbackSpec(
    string MethodName,
    PipelineCallbackKind Kind,
    bool IsStatic,
    ReturnShape Return,
    EquatableArray<string> TaskIds,
    EquatableArray<CallbackParameterSpec> Parameters);

/// <summary>A callback parameter: the event, the cancellation token, the service provider itself, or a service from DI.</summary>
/// <param name="Source">Where the value comes from.</param>
/// <param name="Type">For a service, the fully qualified type without nullable annotations.</param>
/// <param name="Optional">For a service, whether a missing one is passed as null (nullable or defaulted parameter).</param>
internal sealed record CallbackParameterSpec(CallbackParameterSource Source, string Type, bool Optional);

internal enum CallbackParameterSource
{
    Event,
    CancellationToken,
    ServiceProvider,
    Service,
}
