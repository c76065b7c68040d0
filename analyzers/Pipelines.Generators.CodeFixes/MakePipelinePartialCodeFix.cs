using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace Pipelines.Generators.CodeFixes;

/// <summary>
/// PIPE006 for a class that is not partial: adds <c>partial</c> to the pipeline class and to every containing type that
/// lacks it, since the generator must declare the class again inside each of them. The other PIPE006 reasons
/// (generic, private, abstract) have no single obvious repair, so the analyzer marks this reason in the diagnostic's properties.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePipelinePartialCodeFix)), Shared]
public sealed class MakePipelinePartialCodeFix() : PipelineCodeFix(DiagnosticDescriptors.InvalidPipelineClass)
{
    internal const string EquivalenceKey = "Pipelines.MakePartial";

    /// <inheritdoc />
    protected override IEnumerable<CodeAction> Offer(Document document, SyntaxNode root, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Reason, out var reason) || reason != DiagnosticProperties.NotPartial) yield break;
        if (root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<TypeDeclarationSyntax>() is not { } declaration) yield break;
        yield return CodeAction.Create($"Make '{declaration.Identifier.ValueText}' partial", ct => MakePartialAsync(document, declaration, ct), EquivalenceKey);
    }

    private static async Task<Document> MakePartialAsync(Document document, TypeDeclarationSyntax declaration, CancellationToken cancellationToken)
    {
        var editor = await DocumentEditor.CreateAsync(document, cancellationToken).ConfigureAwait(false);
        // A type that is not partial has exactly one declaration, so the pipeline and its containers all sit in this document.
        foreach (var type in declaration.AncestorsAndSelf().OfType<TypeDeclarationSyntax>())
        {
            if (type.Modifiers.Any(m => m.ValueText == "partial")) continue;
            editor.ReplaceNode(type, (current, generator) => generator.WithModifiers(current, generator.GetModifiers(current).WithPartial(true)));
        }
        return editor.GetChangedDocument();
    }
}
