namespace Pipelines.Generators;

/// <summary>
/// Keys of the <see cref="Microsoft.CodeAnalysis.Diagnostic.Properties"/> a diagnostic carries for its code fix: the analyzer
/// knows the answer (the suggested id, the expected type), so the fix applies it instead of working it out again.
/// Compiled into the analyzer and the code fixes alike, so both read the same names.
/// </summary>
internal static class DiagnosticProperties
{
    /// <summary>Why PIPE006 was reported; the partial fix is offered only for <see cref="NotPartial"/>.</summary>
    public const string Reason = "Reason";

    /// <summary>The <see cref="Reason"/> of a pipeline class, or one of its containing types, that lacks the partial modifier.</summary>
    public const string NotPartial = "NotPartial";

    /// <summary>The value to write instead of the wrong one: a task id (PIPE002, PIPE008, PIPE016, PIPE032), an IANA time zone id (PIPE012) or a declared pool (PIPE026).</summary>
    public const string Suggestion = "Suggestion";

    /// <summary>The upstream task's output type, fully qualified, that a typed input should take (PIPE009).</summary>
    public const string ExpectedType = "ExpectedType";

    /// <summary>The calendar ids a pipeline may name, separated by <see cref="CalendarSeparator"/> (PIPE025).</summary>
    public const string Calendars = "Calendars";

    public const char CalendarSeparator = ',';
}
