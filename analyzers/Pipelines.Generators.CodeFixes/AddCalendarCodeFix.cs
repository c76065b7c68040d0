using System.Collections.Generic;
using System;
using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;

namespace Pipelines.Generators.CodeFixes;

/// <summary>
/// PIPE025: a session-relative schedule (<c>@session_close+00:30</c>) on a pipeline without a calendar. Offers one action per
/// calendar the compilation knows (the built-in exchanges and those declared with <c>[assembly: PipelineCalendar]</c>, as the
/// analyzer lists them), each adding <c>Calendar = "id"</c> to the <c>[Pipeline]</c> attribute.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddCalendarCodeFix)), Shared]
public sealed class AddCalendarCodeFix() : PipelineCodeFix(DiagnosticDescriptors.SessionScheduleWithoutCalendar)
{
    internal const string EquivalenceKeyPrefix = "Pipelines.AddCalendar.";

    /// <inheritdoc />
    protected override IEnumerable<CodeAction> Offer(Document document, SyntaxNode root, Diagnostic diagnostic)
    {
        if (Property(diagnostic, DiagnosticProperties.Calendars) is not { } calendars) yield break;
        var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
        if (node.FirstAncestorOrSelf<AttributeSyntax>() is not { ArgumentList: not null } attribute) yield break;
        foreach (var calendar in calendars.Split(new[] { DiagnosticProperties.CalendarSeparator }, StringSplitOptions.RemoveEmptyEntries))
        {
            yield return CodeAction.Create($"Add Calendar = \"{calendar}\"", ct => ReplaceAsync(document, attribute.ArgumentList!, WithCalendar(attribute.ArgumentList!, calendar), ct), EquivalenceKeyPrefix + calendar);
        }
    }

    private static AttributeArgumentListSyntax WithCalendar(AttributeArgumentListSyntax list, string calendar) => list.AddArguments(
        SyntaxFactory.AttributeArgument(SyntaxFactory.NameEquals(SyntaxFactory.IdentifierName("Calendar")), nameColon: null, FixSyntax.StringLiteral(calendar))
            .WithAdditionalAnnotations(Formatter.Annotation));
}
