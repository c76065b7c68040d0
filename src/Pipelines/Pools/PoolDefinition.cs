using System;

namespace Pipelines;

/// <summary>A pool declared with <see cref="PoolAttribute"/>, as the generator emitted it.</summary>
public sealed class PoolDefinition
{
    /// <summary>Creates a pool definition. Generated code calls this.</summary>
    public PoolDefinition(string name, int slots, string? description = null)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        if (slots < 1) throw new ArgumentOutOfRangeException(nameof(slots), slots, $"Pool '{name}' needs at least one slot.");
        Slots = slots;
        Description = description;
    }

    /// <summary>The pool's name.</summary>
    public string Name { get; }

    /// <summary>The slots declared in code; configuration may change them at run time.</summary>
    public int Slots { get; }

    /// <summary>What the pool guards, for people.</summary>
    public string? Description { get; }

    /// <inheritdoc />
    public override string ToString() => Name;
}
