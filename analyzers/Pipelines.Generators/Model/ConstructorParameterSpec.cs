namespace Pipelines.Generators.Model;

/// <summary>A constructor parameter of the pipeline class, resolved from DI when the class is created for a task.</summary>
/// <param name="Type">The fully qualified type, without nullable annotations.</param>
/// <param name="Optional">Whether a missing service is acceptable (nullable or defaulted parameter).</param>
internal sealed record ConstructorParameterSpec(string Type, bool Optional);
