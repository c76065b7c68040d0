namespace Pipelines.Generators.Model;

/// <summary>A calendar date read from an attribute at compile time.</summary>
internal sealed record DateSpec(int Year, int Month, int Day);
