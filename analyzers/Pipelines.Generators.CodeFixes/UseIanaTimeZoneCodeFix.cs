using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Pipelines.Generators.CodeFixes;

/// <summary>
/// PIPE012: replaces a time zone the tz database does not know with the IANA id the analyzer named, the mapping of a
/// Windows id ("Eastern Standard Time" to "America/New_York") or the closest id to a typo.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseIanaTimeZoneCodeFix)), Shared]
public sealed class UseIanaTimeZoneCodeFix : CodeFixProvider
{
    internal const string EquivalenceKey = "Pipelines.UseIanaTimeZone";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.UnknownTimeZone.Id);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Suggestion, out var zone) || string.IsNullOrEmpty(zone)) continue;
            if (FixSyntax.ExpressionAt(root, diagnostic.Location.SourceSpan) is not { } expression) continue;
            context.RegisterCodeFix(
                CodeAction.Create($"Use the IANA time zone \"{zone}\"", ct => ReplaceAsync(context.Document, expression, zone!, ct), EquivalenceKey),
                diagnostic);
        }
    }

    private static async Task<Document> ReplaceAsync(Document document, ExpressionSyntax expression, string zone, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return document.WithSyntaxRoot(root!.ReplaceNode(expression, FixSyntax.StringLiteral(zone).WithTriviaFrom(expression)));
    }
}
