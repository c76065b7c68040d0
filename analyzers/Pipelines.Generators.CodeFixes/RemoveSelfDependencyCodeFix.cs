using System.Collections.Generic;
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
/// PIPE003 on a <c>[DependsOn]</c> argument: removes the task's own id, or the whole attribute when it was the only id
/// (and the attribute list when nothing else is left in it). A self-reference through <c>[FromTask]</c> is a parameter
/// whose source must change, which has no single obvious repair, so no fix is offered there.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveSelfDependencyCodeFix)), Shared]
public sealed class RemoveSelfDependencyCodeFix() : PipelineCodeFix(DiagnosticDescriptors.SelfDependency)
{
    internal const string EquivalenceKey = "Pipelines.RemoveSelfDependency";

    /// <inheritdoc />
    protected override IEnumerable<CodeAction> Offer(Document document, SyntaxNode root, Diagnostic diagnostic)
    {
        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (node.FirstAncestorOrSelf<AttributeArgumentSyntax>() is not { Parent: AttributeArgumentListSyntax { Parent: AttributeSyntax attribute } } argument) yield break;
        if (!FixSyntax.IsAttribute(attribute, "DependsOn") || argument.NameEquals is not null || argument.NameColon is not null) yield break;
        yield return CodeAction.Create("Remove the dependency on itself", ct => RemoveAsync(document, attribute, argument, ct), EquivalenceKey);
    }

    private static async Task<Document> RemoveAsync(Document document, AttributeSyntax attribute, AttributeArgumentSyntax argument, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        SyntaxNode removed = attribute.ArgumentList!.Arguments.Count > 1 ? argument
            : attribute.Parent is AttributeListSyntax { Attributes.Count: 1 } only ? only
            : attribute;
        if (removed is AttributeListSyntax list && list.Parent is MemberDeclarationSyntax member && member.AttributeLists.IndexOf(list) == 0)
        {
            // The first attribute list carries the member's indentation and comments: hand them to what now starts the member.
            var without = member.WithAttributeLists(member.AttributeLists.RemoveAt(0));
            return document.WithSyntaxRoot(root!.ReplaceNode(member, without.WithLeadingTrivia(list.GetLeadingTrivia())));
        }
        // The separator's space and the line break after a lone [DependsOn] go with it.
        return document.WithSyntaxRoot(root!.RemoveNode(removed, SyntaxRemoveOptions.KeepNoTrivia)!);
    }
}
