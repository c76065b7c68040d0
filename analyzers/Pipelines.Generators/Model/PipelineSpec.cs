namespace Pipelines.Generators.Model;

/// <summary>A pipeline class as plain data: what the validator checks and the emitter writes.</summary>
internal sealed record PipelineSpec(
    string Id,
    TypeSpec Type,
    string? Schedule,
    string TimeZone,
    string? Calendar,
    DateSpec? StartDate,
    bool Catchup,
    bool PausedOnCreation,
    int MaxActiveRuns,
    int MaxActiveTasks,
    string? Deadline,
    string? Description,
    EquatableArray<string> Tags,
    EquatableArray<TaskSpec> Tasks,
    EquatableArray<ConstructorParameterSpec> ConstructorParameters,
    EquatableArray<CallbackSpec> Callbacks,
    RunParametersSpec? Parameters = null);
