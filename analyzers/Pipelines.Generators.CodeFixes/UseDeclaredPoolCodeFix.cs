using System.Collections.Generic;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Pipelines.Generators.CodeFixes;

/// <summary>PIPE026: replaces a misspelt pool name with the declared pool the analyzer's "Did you mean" names.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseDeclaredPoolCodeFix)), Shared]
public sealed class UseDeclaredPoolCodeFix() : PipelineCodeFix(DiagnosticDescriptors.UnknownPool)
{
    internal const string EquivalenceKey = "Pipelines.UseDeclaredPool";

    /// <inheritdoc />
    protected override IEnumerable<CodeAction> Offer(Document document, SyntaxNode root, Diagnostic diagnostic)
    {
        if (Property(diagnostic, DiagnosticProperties.Suggestion) is not { } pool) yield break;
        if (FixSyntax.ExpressionAt(root, diagnostic.Location.SourceSpan) is not { } expression) yield break;
        yield return CodeAction.Create($"Use \"{pool}\"", ct => ReplaceAsync(document, expression, FixSyntax.StringLiteral(pool).WithTriviaFrom(expression), ct), EquivalenceKey);
    }
}
