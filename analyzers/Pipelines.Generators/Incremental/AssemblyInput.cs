using System;

namespace Pipelines.Generators.Incremental;

/// <summary>
/// What the assembly-wide facts are read from (the pools declared with <c>[assembly: Pool]</c> here and in the references,
/// and whether the module-initializer attribute exists): the compilation's declarations, equal while nothing they can read
/// changed (<see cref="ReachedNames.SharedRoots"/>: the assembly attributes, the constants they name, the attribute types),
/// so a declaration edit elsewhere does not read every reference's attributes again.
/// </summary>
internal sealed class AssemblyInput : IEquatable<AssemblyInput>
{
    public AssemblyInput(DeclarationShape shape) => Shape = shape;

    public DeclarationShape Shape { get; }

    public bool Equals(AssemblyInput? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other) || ReferenceEquals(Shape, other.Shape)) return true;
        try
        {
            var (earlier, later) = Shape.IsEarlierThan(other.Shape) ? (this, other) : (other, this);
            return !later.Shape.ChangesSince(earlier.Shape).Affect(earlier.Shape, earlier.Shape.SharedRoots.Contains);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The driver calls this outside the generator's own guards: whatever the syntax, build again rather than throw.
            return false;
        }
    }

    public override bool Equals(object? obj) => obj is AssemblyInput other && Equals(other);

    public override int GetHashCode() => 0;
}
