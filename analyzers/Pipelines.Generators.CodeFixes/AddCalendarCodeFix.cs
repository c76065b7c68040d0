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
public sealed class AddCalendarCodeFix : CodeFixProvider
{
    internal const string EquivalenceKeyPrefix = "Pipelines.AddCalendar.";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticDescriptors.SessionScheduleWithoutCalendar.Id);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Calendars, out var calendars) || string.IsNullOrEmpty(calendars)) continue;
            var node = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true);
            if (node.FirstAncestorOrSelf<AttributeSyntax>() is not { ArgumentList: not null } attribute) continue;
            foreach (var calendar in calendars!.Split(new[] { DiagnosticProperties.CalendarSeparator }, StringSplitOptions.RemoveEmptyEntries))
            {
                context.RegisterCodeFix(
                    CodeAction.Create($"Add Calendar = \"{calendar}\"", ct => AddAsync(context.Document, attribute, calendar, ct), EquivalenceKeyPrefix + calendar),
                    diagnostic);
            }
        }
    }

    private static async Task<Document> AddAsync(Document document, AttributeSyntax attribute, string calendar, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var argument = SyntaxFactory.AttributeArgument(
            SyntaxFactory.NameEquals(SyntaxFactory.IdentifierName("Calendar")), nameColon: null, FixSyntax.StringLiteral(calendar));
        var list = attribute.ArgumentList!;
        return document.WithSyntaxRoot(root!.ReplaceNode(list, list.AddArguments(argument.WithAdditionalAnnotations(Formatter.Annotation))));
    }
}
