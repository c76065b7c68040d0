using System;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Pipelines.Generators.Incremental;

/// <summary>
/// What a pipeline's model can depend on outside its own class: every syntax tree's declarations (types, members,
/// signatures, attributes, constants: everything but the bodies of methods, accessors and lambdas and the initializers
/// of fields that are not <c>const</c>), the parse options, the compilation's options and its references. Two shapes are
/// equal when none of that changed, which is what an edit inside a method body leaves, so the generator keeps its models
/// instead of rebuilding them from the new compilation's symbols on every keystroke.
/// </summary>
/// <remarks>
/// <para>
/// The comparison is the compiler's own notion of a change that leaves every symbol as it was
/// (<see cref="SyntaxFactory.AreEquivalent(SyntaxTree, SyntaxTree, bool)"/> with <c>topLevel</c>: it also counts a
/// <c>#nullable</c> directive, which changes the annotations of the declarations after it), made only for the trees that
/// are not the same objects, and with the same path and parse options.
/// </para>
/// <para>
/// The incremental driver keeps the <em>earlier</em> of two equal values, so a shape is compared with the one the current
/// models were built from, however many equal shapes came between. The compilation is held weakly: it is only used while
/// the driver runs on it (<see cref="PipelineClass.CompilationFor"/>), and a kept shape must not keep an old compilation
/// and all its symbols alive.
/// </para>
/// </remarks>
internal sealed class DeclarationShape : IEquatable<DeclarationShape>
{
    private readonly ImmutableArray<SyntaxTree> _trees;
    private readonly ImmutableArray<MetadataReference> _references;
    private readonly CompilationOptions _options;
    private readonly string? _assemblyName;
    private readonly WeakReference<Compilation> _compilation;

    private DeclarationShape(Compilation compilation)
    {
        _trees = compilation.SyntaxTrees.ToImmutableArray();
        _references = compilation.References.ToImmutableArray();
        _options = compilation.Options;
        _assemblyName = compilation.AssemblyName;
        _compilation = new WeakReference<Compilation>(compilation);
    }

    public static DeclarationShape Of(Compilation compilation) => new(compilation);

    /// <summary>The compilation this shape was taken from, while it is alive.</summary>
    public Compilation? Compilation => _compilation.TryGetTarget(out var compilation) ? compilation : null;

    public bool Equals(DeclarationShape? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        if (_trees.Length != other._trees.Length || _references.Length != other._references.Length) return false;
        if (!string.Equals(_assemblyName, other._assemblyName, StringComparison.Ordinal) || !_options.Equals(other._options)) return false;
        for (var i = 0; i < _references.Length; i++)
        {
            if (!ReferenceEquals(_references[i], other._references[i])) return false;
        }
        for (var i = 0; i < _trees.Length; i++)
        {
            if (!SameDeclarations(_trees[i], other._trees[i])) return false;
        }
        return true;
    }

    public override bool Equals(object? obj) => obj is DeclarationShape other && Equals(other);

    public override int GetHashCode() => _trees.Length;

    private static bool SameDeclarations(SyntaxTree before, SyntaxTree after)
    {
        if (ReferenceEquals(before, after)) return true;
        return string.Equals(before.FilePath, after.FilePath, StringComparison.Ordinal)
            && before.Options.Equals(after.Options)
            && SyntaxFactory.AreEquivalent(before, after, topLevel: true);
    }
}
