using Microsoft.CodeAnalysis.Text;

namespace Pipelines.Generators.Tests.Infrastructure;

/// <summary>Test sources mark the expected diagnostic span with <c>[|</c> and <c>|]</c>.</summary>
internal static class Markup
{
    public static (string Source, TextSpan Span) Parse(string markup)
    {
        var start = markup.IndexOf("[|", StringComparison.Ordinal);
        var end = markup.IndexOf("|]", StringComparison.Ordinal);
        if (start < 0 || end < start) throw new ArgumentException("The source must mark one span with [| and |].", nameof(markup));
        var source = markup.Remove(end, 2).Remove(start, 2);
        return (source, TextSpan.FromBounds(start, end - 2));
    }
}
