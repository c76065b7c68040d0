using Pipelines.Generators.Emission;
using Xunit;

namespace Pipelines.Generators.Tests;

public class SourceWriterTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(40_000)] // past the compiler's 40K-character threshold, where the text is kept in chunks
    public void The_source_text_holds_exactly_what_was_written(int lines)
    {
        var writer = new SourceWriter();
        writer.Open("namespace Bench");
        for (var i = 0; i < lines; i++) writer.Line($"// line {i}, with a non-ASCII character: é");
        writer.Close();

        var text = writer.ToSourceText();

        Assert.Equal(writer.ToString(), text.ToString());
        Assert.Equal(writer.ToString().Length, text.Length);
        const string start = "namespace Bench\n{\n    // line 0, with a non-ASCII character: é\n";
        Assert.Equal(start, text.ToString(new Microsoft.CodeAnalysis.Text.TextSpan(0, start.Length)));
        Assert.EndsWith($"// line {lines - 1}, with a non-ASCII character: é\n}}\n", text.ToString());
        Assert.Equal(System.Text.Encoding.UTF8, text.Encoding);
    }
}
