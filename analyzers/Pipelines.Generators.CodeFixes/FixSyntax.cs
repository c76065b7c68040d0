using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Pipelines.Generators.CodeFixes;

/// <summary>Small syntax helpers the fixes share.</summary>
internal static class FixSyntax
{
    /// <summary>The expression a diagnostic was reported on (an attribute argument's value), or null when the span holds something else.</summary>
    public static ExpressionSyntax? ExpressionAt(SyntaxNode root, TextSpan span) =>
        root.FindNode(span, getInnermostNodeForTie: true) switch
        {
            AttributeArgumentSyntax argument => argument.Expression,
            ArgumentSyntax argument => argument.Expression,
            ExpressionSyntax expression => expression,
            _ => null,
        };

    /// <summary><c>nameof(id)</c>, escaping an id that is a keyword (a task method may be called <c>@checked</c>).</summary>
    public static InvocationExpressionSyntax NameOf(string id)
    {
        // A verbatim identifier token: written "@checked", its value (the name) is "checked".
        var name = SyntaxFacts.GetKeywordKind(id) != SyntaxKind.None
            ? SyntaxFactory.VerbatimIdentifier(SyntaxFactory.TriviaList(), id, id, SyntaxFactory.TriviaList())
            : SyntaxFactory.Identifier(id);
        return SyntaxFactory.InvocationExpression(
            SyntaxFactory.IdentifierName(SyntaxFactory.Identifier(SyntaxFactory.TriviaList(), SyntaxKind.NameOfKeyword, "nameof", "nameof", SyntaxFactory.TriviaList())),
            SyntaxFactory.ArgumentList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Argument(SyntaxFactory.IdentifierName(name)))));
    }

    /// <summary>A string literal of <paramref name="value"/>.</summary>
    public static LiteralExpressionSyntax StringLiteral(string value) =>
        SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(value));

    /// <summary>Whether <paramref name="attribute"/> is written as <c>[Name]</c>, <c>[NameAttribute]</c> or qualified, such as <c>[Pipelines.Name]</c>.</summary>
    public static bool IsAttribute(AttributeSyntax attribute, string name)
    {
        var written = attribute.Name switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => "",
        };
        return written == name || written == name + "Attribute";
    }
}
