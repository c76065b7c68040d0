using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace Pipelines.Generators.CodeFixes;

/// <summary>
/// PIPE009: a typed input's parameter type does not accept the upstream task's output; changes the parameter to the
/// output type the analyzer found (already unwrapped from <c>Task&lt;T&gt;</c>), written as briefly as the usings allow.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseUpstreamOutputTypeCodeFix)), Shared]
public sealed class UseUpstreamOutputTypeCodeFix : CodeFixProvider
{
    internal const string EquivalenceKey = "Pipelines.UseUpstreamOutputType";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.InputTypeMismatch.Id);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.ExpectedType, out var expected) || string.IsNullOrEmpty(expected)) continue;
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (node.FirstAncestorOrSelf<ParameterSyntax>() is not { Type: not null } parameter) continue;
            var shown = expected!.Replace("global::", "");
            context.RegisterCodeFix(
                CodeAction.Create($"Change '{parameter.Identifier.ValueText}' to '{shown}'", ct => ChangeAsync(context.Document, parameter, expected, ct), EquivalenceKey),
                diagnostic);
        }
    }

    private static async Task<Document> ChangeAsync(Document document, ParameterSyntax parameter, string expected, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var type = SyntaxFactory.ParseTypeName(expected).WithTriviaFrom(parameter.Type!).WithAdditionalAnnotations(Simplifier.Annotation);
        return document.WithSyntaxRoot(root!.ReplaceNode(parameter.Type!, type));
    }
}
