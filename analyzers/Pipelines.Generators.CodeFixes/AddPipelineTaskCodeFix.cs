using System.Collections.Generic;
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
/// PIPE022: a method in a pipeline carries <c>[DependsOn]</c>, <c>[Condition]</c>, <c>[Branch]</c> or <c>[Sensor]</c> but
/// no <c>[PipelineTask]</c>; adds it first in the same attribute list, as in <c>[PipelineTask, DependsOn(...)]</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddPipelineTaskCodeFix)), Shared]
public sealed class AddPipelineTaskCodeFix() : PipelineCodeFix(DiagnosticDescriptors.TaskAttributeWithoutPipelineTask)
{
    internal const string EquivalenceKey = "Pipelines.AddPipelineTask";

    /// <inheritdoc />
    protected override IEnumerable<CodeAction> Offer(Document document, SyntaxNode root, Diagnostic diagnostic)
    {
        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (node.FirstAncestorOrSelf<AttributeListSyntax>() is not { Parent: MethodDeclarationSyntax method }) yield break;
        yield return CodeAction.Create($"Make '{method.Identifier.ValueText}' a [PipelineTask]", ct => AddAsync(document, method, ct), EquivalenceKey);
    }

    private static async Task<Document> AddAsync(Document document, MethodDeclarationSyntax method, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        foreach (var list in method.AttributeLists)
        {
            foreach (var attribute in list.Attributes)
            {
                if (FixSyntax.IsAttribute(attribute, "PipelineTask")) return document;
            }
        }
        // Several stray settings on one method give several diagnostics; each fix writes the same list, so Fix All adds one.
        var first = method.AttributeLists[0];
        var task = SyntaxFactory.Attribute(SyntaxFactory.IdentifierName("PipelineTask"));
        var comma = SyntaxFactory.Token(SyntaxKind.CommaToken).WithTrailingTrivia(SyntaxFactory.Space);
        var attributes = SyntaxFactory.SeparatedList<AttributeSyntax>(new SyntaxNodeOrTokenList(task, comma).AddRange(first.Attributes.GetWithSeparators()));
        var updated = first.WithAttributes(attributes);
        return document.WithSyntaxRoot(root!.ReplaceNode(first, updated));
    }
}
