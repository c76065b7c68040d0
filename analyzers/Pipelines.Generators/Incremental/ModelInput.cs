using System;

namespace Pipelines.Generators.Incremental;

/// <summary>
/// What a pipeline's model is built from: the class (<see cref="PipelineClass"/>) and the compilation's declarations
/// (<see cref="DeclarationShape"/>). Two inputs are equal when the class is the same and nothing the model can read changed
/// between the two shapes: no change at all, or changes only to declarations none of whose names the model reaches
/// (<see cref="ReachedNames"/>, found in the earlier shape, the one the kept model was built from). So a keystroke in a
/// method body anywhere, or a new method in a class the pipeline never names, leaves the model cached.
/// </summary>
internal sealed class ModelInput : IEquatable<ModelInput>
{
    public ModelInput(PipelineClass? pipelineClass, DeclarationShape shape)
    {
        Class = pipelineClass;
        Shape = shape;
    }

    public PipelineClass? Class { get; }

    public DeclarationShape Shape { get; }

    public bool Equals(ModelInput? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        if (!Equals(Class, other.Class)) return false;
        if (Class is null) return true;
        try
        {
            var (earlier, later) = Shape.IsEarlierThan(other.Shape) ? (this, other) : (other, this);
            return !later.Shape.ChangesSince(earlier.Shape).Affect(earlier.Shape, earlier.IsRoot);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The driver calls this outside the generator's own guards: whatever the syntax, build again rather than throw.
            return false;
        }
    }

    public override bool Equals(object? obj) => obj is ModelInput other && Equals(other);

    public override int GetHashCode() => Class?.GetHashCode() ?? 0;

    /// <summary>Whether a declaration with this name is read first by this input's model (in this input's shape).</summary>
    private bool IsRoot(string name)
    {
        if (Shape.SharedRoots.Contains(name)) return true;
        foreach (var tree in Class!.Trees)
        {
            if (TreeDeclarations.Of(tree).MayMention(name)) return true;
        }
        return false;
    }
}
