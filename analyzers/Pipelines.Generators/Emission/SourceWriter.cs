using System;
using System.IO;
using System.Text;
using Microsoft.CodeAnalysis.Text;

namespace Pipelines.Generators.Emission;

/// <summary>A string builder that keeps indentation, so emitted code reads like hand-written code.</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    public SourceWriter Line(string text = "")
    {
        if (text.Length > 0) _builder.Append(' ', _indent * 4).Append(text);
        _builder.Append('\n');
        return this;
    }

    public SourceWriter Open(string header)
    {
        if (header.Length > 0) Line(header);
        Line("{");
        _indent++;
        return this;
    }

    public SourceWriter Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
        return this;
    }

    /// <summary>
    /// The text for <c>AddSource</c>, read from the builder without making it one string: the compiler keeps a long text
    /// in chunks, while the string of a 2,000-task pipeline (about 4 MB) would go to the large object heap and, build
    /// after build, set off full collections in the compiler's process.
    /// </summary>
    public SourceText ToSourceText() => SourceText.From(new BuilderReader(_builder), _builder.Length, Encoding.UTF8);

    public override string ToString() => _builder.ToString();

    private sealed class BuilderReader(StringBuilder builder) : TextReader
    {
        private int _position;

        public override int Peek() => _position < builder.Length ? builder[_position] : -1;

        public override int Read() => _position < builder.Length ? builder[_position++] : -1;

        public override int Read(char[] buffer, int index, int count)
        {
            var n = Math.Min(count, builder.Length - _position);
            if (n <= 0) return 0;
            builder.CopyTo(_position, buffer, index, n);
            _position += n;
            return n;
        }
    }
}
