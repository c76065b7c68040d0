using System.Collections.Generic;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Pipelines.Generators.CodeFixes;

/// <summary>PIPE035: a task id written as a string (<c>DependsOn("Extract")</c>) becomes <c>nameof(Extract)</c>.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseNameOfCodeFix)), Shared]
public sealed class UseNameOfCodeFix() : PipelineCodeFix(DiagnosticDescriptors.TaskIdAsString)
{
    internal const string EquivalenceKey = "Pipelines.UseNameOf";

    /// <inheritdoc />
    protected override IEnumerable<CodeAction> Offer(Document document, SyntaxNode root, Diagnostic diagnostic)
    {
        if (FixSyntax.ExpressionAt(root, diagnostic.Location.SourceSpan) is not LiteralExpressionSyntax literal
            || !literal.IsKind(SyntaxKind.StringLiteralExpression))
        {
            yield break;
        }
        var nameOf = FixSyntax.NameOf(literal.Token.ValueText);
        yield return CodeAction.Create($"Use {nameOf}", ct => ReplaceAsync(document, literal, nameOf.WithTriviaFrom(literal), ct), EquivalenceKey);
    }
}
