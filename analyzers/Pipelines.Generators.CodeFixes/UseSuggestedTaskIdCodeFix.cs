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
/// PIPE002 (unknown dependency), PIPE008 (unknown input task), PIPE016 (unknown branch target) and PIPE032 (a callback's
/// unknown task): replaces the misspelt
/// id with <c>nameof(Suggestion)</c>, the task the analyzer's "Did you mean" names, so the compiler keeps it right from then on.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseSuggestedTaskIdCodeFix)), Shared]
public sealed class UseSuggestedTaskIdCodeFix() : PipelineCodeFix(DiagnosticDescriptors.UnknownDependency,
        DiagnosticDescriptors.UnknownInputTask,
        DiagnosticDescriptors.InvalidBranchTarget,
        DiagnosticDescriptors.UnknownCallbackTask)
{
    internal const string EquivalenceKey = "Pipelines.UseSuggestedTaskId";

    /// <inheritdoc />
    protected override IEnumerable<CodeAction> Offer(Document document, SyntaxNode root, Diagnostic diagnostic)
    {
        if (Property(diagnostic, DiagnosticProperties.Suggestion) is not { } suggestion) yield break;
        if (FixSyntax.ExpressionAt(root, diagnostic.Location.SourceSpan) is not { } expression) yield break;
        var replacement = FixSyntax.NameOf(suggestion);
        yield return CodeAction.Create($"Use {replacement}", ct => ReplaceAsync(document, expression, replacement.WithTriviaFrom(expression), ct), EquivalenceKey);
    }

}
