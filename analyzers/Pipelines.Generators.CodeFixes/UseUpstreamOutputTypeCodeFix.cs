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
using Microsoft.CodeAnalysis.Simplification;

namespace Pipelines.Generators.CodeFixes;

/// <summary>
/// PIPE009: a typed input's parameter type does not accept the upstream task's output; changes the parameter to the
/// output type the analyzer found (already unwrapped from <c>Task&lt;T&gt;</c>), written as briefly as the usings allow.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseUpstreamOutputTypeCodeFix)), Shared]
public sealed class UseUpstreamOutputTypeCodeFix() : PipelineCodeFix(DiagnosticDescriptors.InputTypeMismatch)
{
    internal const string EquivalenceKey = "Pipelines.UseUpstreamOutputType";

    /// <inheritdoc />
    protected override IEnumerable<CodeAction> Offer(Document document, SyntaxNode root, Diagnostic diagnostic)
    {
        if (Property(diagnostic, DiagnosticProperties.ExpectedType) is not { } expected) yield break;
        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (node.FirstAncestorOrSelf<ParameterSyntax>() is not { Type: not null } parameter) yield break;
        var shown = expected.Replace("global::", "");
        yield return CodeAction.Create($"Change '{parameter.Identifier.ValueText}' to '{shown}'", ct => ReplaceAsync(document, parameter.Type!, SyntaxFactory.ParseTypeName(expected).WithTriviaFrom(parameter.Type!).WithAdditionalAnnotations(Simplifier.Annotation), ct), EquivalenceKey);
    }

}
