namespace Pipelines.Generators.Model;

/// <summary>A pool declared with <c>[assembly: Pool(name, Slots = n, Description = ...)]</c>.</summary>
internal sealed record PoolSpec(string Name, int Slots, string? Description);
