using System;
using System.Collections.Generic;
using System.Composition;
using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Pipelines.Generators.CodeFixes;

/// <summary>
/// PIPE014 for a bare number (<c>RetryDelay = "5"</c>): the analyzer rejects it because TimeSpan would read it as days,
/// and nothing says which unit the writer meant. So the fix asks: one action per unit, minutes first (the unit retry
/// delays, timeouts and poke intervals are usually thought in, and the unit of the default retry delay), then seconds,
/// hours and days. Each unit has its own equivalence key, so Fix All applies the chosen unit everywhere.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseDurationUnitCodeFix)), Shared]
public sealed class UseDurationUnitCodeFix() : PipelineCodeFix(DiagnosticDescriptors.InvalidDuration)
{
    internal const string EquivalenceKeyPrefix = "Pipelines.UseDurationUnit.";

    private static readonly (string Unit, string Plural, Func<double, TimeSpan> Create)[] s_units =
    {
        ("minute", "minutes", TimeSpan.FromMinutes),
        ("second", "seconds", TimeSpan.FromSeconds),
        ("hour", "hours", TimeSpan.FromHours),
        ("day", "days", TimeSpan.FromDays),
    };

    /// <inheritdoc />
    protected override IEnumerable<CodeAction> Offer(Document document, SyntaxNode root, Diagnostic diagnostic)
    {
        if (FixSyntax.ExpressionAt(root, diagnostic.Location.SourceSpan) is not LiteralExpressionSyntax literal
            || !literal.IsKind(SyntaxKind.StringLiteralExpression)
            || !IsBareNumber(literal.Token.ValueText, out var number))
        {
            yield break;
        }
        foreach (var (unit, plural, create) in s_units)
        {
            TimeSpan duration;
            try { duration = create(number); }
            catch (OverflowException) { continue; }
            var text = duration.ToString("c", CultureInfo.InvariantCulture);
            var title = $"Use \"{text}\" ({number.ToString(CultureInfo.InvariantCulture)} {(number == 1 ? unit : plural)})";
            yield return CodeAction.Create(title, ct => ReplaceAsync(document, literal, FixSyntax.StringLiteral(text).WithTriviaFrom(literal), ct), EquivalenceKeyPrefix + unit);
        }
    }

    /// <summary>Digits only, as in "5" or "90": a duration whose unit was left out.</summary>
    private static bool IsBareNumber(string text, out long number)
    {
        number = 0;
        if (text.Length == 0 || text.Length > 9) return false;
        foreach (var c in text)
        {
            if (c < '0' || c > '9') return false;
        }
        number = long.Parse(text, CultureInfo.InvariantCulture);
        return true;
    }
}
