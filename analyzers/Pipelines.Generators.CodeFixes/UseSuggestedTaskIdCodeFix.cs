using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Pipelines.Generators.CodeFixes;

/// <summary>
/// PIPE002 (unknown dependency), PIPE008 (unknown input task) and PIPE016 (unknown branch target): replaces the misspelt
/// id with <c>nameof(Suggestion)</c>, the task the analyzer's "Did you mean" names, so the compiler keeps it right from then on.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseSuggestedTaskIdCodeFix)), Shared]
public sealed class UseSuggestedTaskIdCodeFix : CodeFixProvider
{
    internal const string EquivalenceKey = "Pipelines.UseSuggestedTaskId";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.UnknownDependency.Id,
        DiagnosticDescriptors.UnknownInputTask.Id,
        DiagnosticDescriptors.InvalidBranchTarget.Id);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Suggestion, out var suggestion) || string.IsNullOrEmpty(suggestion)) continue;
            if (FixSyntax.ExpressionAt(root, diagnostic.Location.SourceSpan) is not { } expression) continue;
            var replacement = FixSyntax.NameOf(suggestion!);
            context.RegisterCodeFix(
                CodeAction.Create($"Use {replacement}", ct => ReplaceAsync(context.Document, expression, replacement, ct), EquivalenceKey),
                diagnostic);
        }
    }

    private static async Task<Document> ReplaceAsync(Document document, ExpressionSyntax expression, ExpressionSyntax replacement, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return document.WithSyntaxRoot(root!.ReplaceNode(expression, replacement.WithTriviaFrom(expression)));
    }
}
