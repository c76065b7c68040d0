using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Pipelines.Generators.Parsing;

namespace Pipelines.Generators.Incremental;

/// <summary>
/// A class carrying <c>[Pipeline]</c>, as the generator's first step finds it: the declaration with the attribute and every
/// declaration of the class (its partial parts), compared by identity. A syntax tree the edit did not touch is the same
/// object in the new compilation, so an edit anywhere else leaves this equal and costs nothing here; the model is built
/// from the class's symbols only when this or the <see cref="DeclarationShape"/> changed.
/// </summary>
internal sealed class PipelineClass : IEquatable<PipelineClass>
{
    private readonly ImmutableArray<SyntaxNode> _parts;
    private readonly WeakReference<Compilation> _compilation;

    private PipelineClass(TypeDeclarationSyntax node, ImmutableArray<SyntaxNode> parts, Compilation compilation)
    {
        Node = node;
        _parts = parts;
        _compilation = new WeakReference<Compilation>(compilation);
    }

    /// <summary>The declaration carrying the <c>[Pipeline]</c> attribute this value stands for.</summary>
    public TypeDeclarationSyntax Node { get; }

    /// <summary>The syntax trees holding the class's declarations.</summary>
    public IEnumerable<SyntaxTree> Trees
    {
        get
        {
            yield return Node.SyntaxTree;
            foreach (var part in _parts)
            {
                if (part.SyntaxTree != Node.SyntaxTree) yield return part.SyntaxTree;
            }
        }
    }

    /// <summary>The class's declarations, or null when the attribute is not on a class the compiler could declare.</summary>
    public static PipelineClass? Of(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetNode is not TypeDeclarationSyntax node || context.TargetSymbol is not INamedTypeSymbol type || context.Attributes.Length == 0) return null;
        var references = type.DeclaringSyntaxReferences;
        var parts = ImmutableArray.CreateBuilder<SyntaxNode>(references.Length);
        foreach (var reference in references) parts.Add(reference.GetSyntax(cancellationToken));
        return new PipelineClass(node, parts.MoveToImmutable(), context.SemanticModel.Compilation);
    }

    /// <summary>
    /// The compilation to read this class from: the shape's when it holds every declaration of the class (the class is
    /// unchanged and the shape is the new one), otherwise this value's own (the class changed, so this value is the new
    /// one). The driver hands a step the earlier of two equal values, so either input may be an older compilation's.
    /// </summary>
    public Compilation? CompilationFor(DeclarationShape? shape)
    {
        if (shape?.Compilation is { } fromShape && HoldsEveryPart(fromShape)) return fromShape;
        return _compilation.TryGetTarget(out var own) && HoldsEveryPart(own) ? own : null;
    }

    /// <summary>The class's symbol and the <c>[Pipeline]</c> attribute on <see cref="Node"/> in <paramref name="compilation"/>.</summary>
    public (INamedTypeSymbol Type, AttributeData Attribute)? Read(Compilation compilation, CancellationToken cancellationToken)
    {
        var model = compilation.GetSemanticModel(Node.SyntaxTree);
        if (model.GetDeclaredSymbol(Node, cancellationToken) is not INamedTypeSymbol type) return null;
        foreach (var attribute in type.GetAttributes())
        {
            // The attributes ForAttributeWithMetadataName matched on this declaration, in their order: by the attribute class's
            // full name, applied within this declaration's own attribute lists.
            if (attribute.ApplicationSyntaxReference is not { } application || application.SyntaxTree != Node.SyntaxTree) continue;
            if (!Node.Span.Contains(application.Span) || !IsPipelineAttribute(attribute.AttributeClass)) continue;
            return (type, attribute);
        }
        return null;
    }

    public bool Equals(PipelineClass? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        if (!ReferenceEquals(Node, other.Node) || _parts.Length != other._parts.Length) return false;
        for (var i = 0; i < _parts.Length; i++)
        {
            if (!ReferenceEquals(_parts[i], other._parts[i])) return false;
        }
        return true;
    }

    public override bool Equals(object? obj) => obj is PipelineClass other && Equals(other);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Node);

    private bool HoldsEveryPart(Compilation compilation)
    {
        foreach (var part in _parts)
        {
            if (!compilation.ContainsSyntaxTree(part.SyntaxTree)) return false;
        }
        return compilation.ContainsSyntaxTree(Node.SyntaxTree);
    }

    private static bool IsPipelineAttribute(INamedTypeSymbol? attributeClass) =>
        attributeClass is not null && attributeClass.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) == s_pipelineAttribute;

    private static readonly string s_pipelineAttribute = "global::" + KnownSymbols.PipelineAttributeName;
}
