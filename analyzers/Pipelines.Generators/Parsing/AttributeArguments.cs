using System;
using System.Collections.Generic;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Pipelines.Generators.Parsing;

/// <summary>Finds the syntax of an attribute's arguments, so a diagnostic lands on the argument the user must edit.</summary>
internal static class AttributeArguments
{
    public static Location Of(AttributeData attribute, CancellationToken cancellationToken)
    {
        var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken);
        return syntax?.GetLocation() ?? Location.None;
    }

    /// <summary>The location of the named argument's value (<c>Schedule = "..."</c>), or of the attribute when absent.</summary>
    public static Location Named(AttributeData attribute, string name, CancellationToken cancellationToken)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax syntax && syntax.ArgumentList is { } list)
        {
            foreach (var argument in list.Arguments)
            {
                if (argument.NameEquals?.Name.Identifier.ValueText == name) return argument.Expression.GetLocation();
            }
        }
        return Of(attribute, cancellationToken);
    }

    /// <summary>
    /// The location of the characters <paramref name="start"/>..+<paramref name="length"/> of a named string argument's
    /// value, when the literal spells its value verbatim (no escapes); otherwise the whole value's location.
    /// </summary>
    public static Location InsideString(AttributeData attribute, string name, int start, int length, CancellationToken cancellationToken)
    {
        var whole = Named(attribute, name, cancellationToken);
        if (whole.SourceTree is { } tree
            && tree.GetRoot(cancellationToken).FindNode(whole.SourceSpan, getInnermostNodeForTie: true) is LiteralExpressionSyntax { Token: var token }
            && token.IsKind(SyntaxKind.StringLiteralToken))
        {
            var prefix = token.Text.StartsWith("@", StringComparison.Ordinal) ? 2 : 1;
            if (token.Text.Length == token.ValueText.Length + prefix + 1)
                return Location.Create(tree, new TextSpan(token.SpanStart + prefix + start, length));
        }
        return whole;
    }

    /// <summary>
    /// The locations of the elements of a <c>params</c> constructor argument that starts at <paramref name="position"/>,
    /// one per element; an explicit array or collection expression is opened up. Falls back to the attribute's location.
    /// </summary>
    public static IReadOnlyList<Location> ParamsElements(AttributeData attribute, int position, int count, CancellationToken cancellationToken)
    {
        var result = new List<Location>(count);
        if (ParamsElementSyntax(attribute, position, count, cancellationToken) is { } elements)
        {
            foreach (var element in elements) result.Add(element.GetLocation());
            return result;
        }

        var fallback = Of(attribute, cancellationToken);
        for (var i = 0; i < count; i++) result.Add(fallback);
        return result;
    }

    /// <summary>
    /// The expressions of the elements of a <c>params</c> constructor argument that starts at <paramref name="position"/>,
    /// one per element, as <see cref="ParamsElements"/> places them; null when it falls back to the attribute's location.
    /// </summary>
    public static IReadOnlyList<ExpressionSyntax>? ParamsElementSyntax(AttributeData attribute, int position, int count, CancellationToken cancellationToken)
    {
        if (attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) is AttributeSyntax syntax && syntax.ArgumentList is { } list)
        {
            var positional = new List<ExpressionSyntax>(list.Arguments.Count);
            foreach (var argument in list.Arguments)
            {
                if (argument.NameEquals is null && argument.NameColon is null) positional.Add(argument.Expression);
            }

            if (positional.Count == position + 1 && ElementsOf(positional[position]) is { } elements && elements.Count == count)
                return elements;

            if (positional.Count - position == count)
            {
                // The common case, one argument per element: the list itself, without copying.
                if (position == 0) return positional;
                return positional.GetRange(position, count);
            }
        }
        return null;
    }

    /// <summary>The location of the positional argument at <paramref name="position"/>.</summary>
    public static Location Positional(AttributeData attribute, int position, CancellationToken cancellationToken)
    {
        var elements = ParamsElements(attribute, position, 1, cancellationToken);
        return elements[0];
    }

    private static IReadOnlyList<ExpressionSyntax>? ElementsOf(ExpressionSyntax expression) => expression switch
    {
        ArrayCreationExpressionSyntax { Initializer: { } init } => init.Expressions,
        ImplicitArrayCreationExpressionSyntax { Initializer: { } init } => init.Expressions,
        CollectionExpressionSyntax collection => CollectionElements(collection),
        _ => null,
    };

    private static IReadOnlyList<ExpressionSyntax> CollectionElements(CollectionExpressionSyntax collection)
    {
        var list = new List<ExpressionSyntax>();
        foreach (var element in collection.Elements)
        {
            if (element is ExpressionElementSyntax expressionElement) list.Add(expressionElement.Expression);
        }
        return list;
    }
}
