using Microsoft.CodeAnalysis.CSharp;

namespace Pipelines.Generators.Emission;

/// <summary>Writes a symbol's name as C# source can spell it.</summary>
internal static class CSharpIdentifier
{
    /// <summary>
    /// The name with an <c>@</c> when it is a keyword: a method declared as <c>@checked</c> is named <c>checked</c>, and
    /// so is written back. Contextual keywords (<c>await</c>, <c>var</c>) are escaped too, since whether they read as
    /// keywords depends on where the generated code uses them.
    /// </summary>
    public static string Escape(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None
            ? "@" + name
            : name;

    /// <summary>A dotted namespace name with each part escaped.</summary>
    public static string EscapeDotted(string dotted)
    {
        var parts = dotted.Split('.');
        for (var i = 0; i < parts.Length; i++) parts[i] = Escape(parts[i]);
        return string.Join(".", parts);
    }
}
