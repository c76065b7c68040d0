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
/// PIPE012: replaces a time zone the tz database does not know with the IANA id the analyzer named, the mapping of a
/// Windows id ("Eastern Standard Time" to "America/New_York") or the closest id to a typo.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseIanaTimeZoneCodeFix)), Shared]
public sealed class UseIanaTimeZoneCodeFix() : PipelineCodeFix(DiagnosticDescriptors.UnknownTimeZone)
{
    internal const string EquivalenceKey = "Pipelines.UseIanaTimeZone";

    /// <inheritdoc />
    protected override IEnumerable<CodeAction> Offer(Document document, SyntaxNode root, Diagnostic diagnostic)
    {
        if (Property(diagnostic, DiagnosticProperties.Suggestion) is not { } zone) yield break;
        if (FixSyntax.ExpressionAt(root, diagnostic.Location.SourceSpan) is not { } expression) yield break;
        yield return CodeAction.Create($"Use the IANA time zone \"{zone}\"", ct => ReplaceAsync(document, expression, FixSyntax.StringLiteral(zone).WithTriviaFrom(expression), ct), EquivalenceKey);
    }

}
