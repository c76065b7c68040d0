using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace Pipelines.Generators.CodeFixes;

/// <summary>
/// What every Pipelines code fix shares: the diagnostics it fixes, Fix All by batching (each fix edits its own
/// diagnostic's span), and one pass over the reported diagnostics that asks the fix what it offers for each.
/// </summary>
public abstract class PipelineCodeFix : CodeFixProvider
{
    private readonly ImmutableArray<string> _ids;

    /// <summary>A fix for <paramref name="fixes"/>.</summary>
    protected PipelineCodeFix(params DiagnosticDescriptor[] fixes) => _ids = fixes.Select(d => d.Id).ToImmutableArray();

    /// <inheritdoc />
    public sealed override ImmutableArray<string> FixableDiagnosticIds => _ids;

    /// <inheritdoc />
    public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
            foreach (var action in Offer(context.Document, root, diagnostic)) context.RegisterCodeFix(action, diagnostic);
    }

    /// <summary>The actions offered for one diagnostic (none when the code around it is not what the fix expects).</summary>
    protected abstract IEnumerable<CodeAction> Offer(Document document, SyntaxNode root, Diagnostic diagnostic);

    /// <summary>A non-empty property the analyzer put on the diagnostic for its fix, or null.</summary>
    protected static string? Property(Diagnostic diagnostic, string key) =>
        diagnostic.Properties.TryGetValue(key, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    /// <summary>The document with <paramref name="node"/> replaced.</summary>
    protected static async Task<Document> ReplaceAsync(Document document, SyntaxNode node, SyntaxNode replacement, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return document.WithSyntaxRoot(root!.ReplaceNode(node, replacement));
    }
}
