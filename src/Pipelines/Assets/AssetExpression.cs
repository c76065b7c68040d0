// This file is compiled into both Pipelines and the Pipelines.Generators analyzer, so an asset condition the IDE
// accepts is exactly one the runtime accepts. Keep it netstandard2.0-compatible.
using System;
using System.Collections.Generic;
using System.Text;

namespace Pipelines.Assets
{
    /// <summary>
    /// The asset condition of a schedule such as <c>@assets(prices.daily &amp; fundamentals.daily)</c>: asset names
    /// combined with <c>&amp;</c> (all of them), <c>|</c> (any of them) and parentheses; <c>&amp;</c> binds tighter than
    /// <c>|</c>, as in C#. Read with <see cref="TryParse"/>, evaluated with <see cref="IsMet"/>.
    /// </summary>
    internal abstract class AssetExpression
    {
        /// <summary>What an asset name may hold besides letters and digits: names read like <c>prices.daily</c> or <c>vendor/fundamentals-v2</c>.</summary>
        public const string NameCharacters = "'.', '_', '-', ':' and '/'";

        private AssetExpression()
        {
        }

        /// <summary>Whether <paramref name="name"/> is an asset name: letters, digits and <see cref="NameCharacters"/>, starting with a letter or digit.</summary>
        public static bool IsValidName(string? name, out string? error)
        {
            error = null;
            if (string.IsNullOrEmpty(name))
            {
                error = "the name is empty";
                return false;
            }
            if (!char.IsLetterOrDigit(name![0]))
            {
                error = $"'{name}' starts with '{name[0]}'; an asset name starts with a letter or a digit";
                return false;
            }
            foreach (var c in name)
            {
                if (!IsNameCharacter(c))
                {
                    error = $"'{name}' holds '{c}'; an asset name holds only letters, digits and {NameCharacters}";
                    return false;
                }
            }
            return true;
        }

        /// <summary>Reads <paramref name="text"/>, or says what is wrong with it and where.</summary>
        /// <param name="text">The condition inside <c>@assets(...)</c>, for example <c>(prices.daily | prices.intraday) &amp; fundamentals.daily</c>.</param>
        /// <param name="expression">The condition read, when the text is well formed.</param>
        /// <param name="error">Why the text is malformed, as a clause that can follow "is invalid: ".</param>
        public static bool TryParse(string text, out AssetExpression? expression, out string? error)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            var reader = new Reader(text);
            expression = null;
            if (reader.AtEnd)
            {
                error = "@assets() names no asset; write at least one, as in @assets(prices.daily)";
                return false;
            }

            var parsed = reader.ReadAny(out error);
            if (parsed is null) return false;
            if (!reader.AtEnd)
            {
                error = reader.Describe("expected '&', '|' or ')'");
                return false;
            }

            expression = parsed;
            return true;
        }

        /// <summary>The asset names the condition reads, each once, in the order they first appear.</summary>
        public IReadOnlyList<string> Names()
        {
            var names = new List<string>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<AssetExpression>();
            pending.Push(this);
            while (pending.Count > 0)
            {
                switch (pending.Pop())
                {
                    case Asset asset: if (seen.Add(asset.Name)) names.Add(asset.Name); break;
                    case All all: pending.Push(all.Right); pending.Push(all.Left); break;
                    case Any any: pending.Push(any.Right); pending.Push(any.Left); break;
                }
            }
            return names;
        }

        /// <summary>Whether the condition holds when the assets <paramref name="arrived"/> says have arrived are the ones there.</summary>
        public abstract bool IsMet(Func<string, bool> arrived);

        /// <summary>
        /// What must still arrive for the condition to hold, given the assets <paramref name="arrived"/> says are there:
        /// <c>a &amp; (b | c)</c> with <c>a</c> arrived leaves <c>b | c</c>; null when the condition already holds.
        /// </summary>
        public abstract AssetExpression? Remaining(Func<string, bool> arrived);

        /// <summary>The condition written with single spaces around operators and only the parentheses it needs.</summary>
        public override string ToString()
        {
            var text = new StringBuilder();
            Write(text, parentPrecedence: 0, words: false);
            return text.ToString();
        }

        /// <summary>The condition for a sentence: <c>a and (b or c)</c>.</summary>
        public string ToWords()
        {
            var text = new StringBuilder();
            Write(text, parentPrecedence: 0, words: true);
            return text.ToString();
        }

        private protected abstract void Write(StringBuilder text, int parentPrecedence, bool words);

        private static bool IsNameCharacter(char c) => char.IsLetterOrDigit(c) || c == '.' || c == '_' || c == '-' || c == ':' || c == '/';

        /// <summary>One asset, at <see cref="Start"/> in the text it was read from.</summary>
        internal sealed class Asset : AssetExpression
        {
            public Asset(string name, int start)
            {
                Name = name;
                Start = start;
            }

            public string Name { get; }

            /// <summary>The zero-based offset of the name in the condition text.</summary>
            public int Start { get; }

            public override bool IsMet(Func<string, bool> arrived) => arrived(Name);

            public override AssetExpression? Remaining(Func<string, bool> arrived) => arrived(Name) ? null : this;

            private protected override void Write(StringBuilder text, int parentPrecedence, bool words) => text.Append(Name);
        }

        /// <summary><c>Left &amp; Right</c>: both have arrived.</summary>
        internal sealed class All : AssetExpression
        {
            public All(AssetExpression left, AssetExpression right)
            {
                Left = left;
                Right = right;
            }

            public AssetExpression Left { get; }

            public AssetExpression Right { get; }

            public override bool IsMet(Func<string, bool> arrived) => Left.IsMet(arrived) && Right.IsMet(arrived);

            public override AssetExpression? Remaining(Func<string, bool> arrived)
            {
                var left = Left.Remaining(arrived);
                var right = Right.Remaining(arrived);
                return left is null ? right : right is null ? left : new All(left, right);
            }

            private protected override void Write(StringBuilder text, int parentPrecedence, bool words)
            {
                Left.Write(text, 2, words);
                text.Append(words ? " and " : " & ");
                Right.Write(text, 3, words);
            }
        }

        /// <summary><c>Left | Right</c>: either has arrived.</summary>
        internal sealed class Any : AssetExpression
        {
            public Any(AssetExpression left, AssetExpression right)
            {
                Left = left;
                Right = right;
            }

            public AssetExpression Left { get; }

            public AssetExpression Right { get; }

            public override bool IsMet(Func<string, bool> arrived) => Left.IsMet(arrived) || Right.IsMet(arrived);

            public override AssetExpression? Remaining(Func<string, bool> arrived)
            {
                var left = Left.Remaining(arrived);
                var right = Right.Remaining(arrived);
                return left is null || right is null ? null : new Any(left, right);
            }

            private protected override void Write(StringBuilder text, int parentPrecedence, bool words)
            {
                var parenthesise = parentPrecedence > 1;
                if (parenthesise) text.Append('(');
                Left.Write(text, 1, words);
                text.Append(words ? " or " : " | ");
                Right.Write(text, 2, words);
                if (parenthesise) text.Append(')');
            }
        }

        /// <summary>
        /// A recursive-descent reader. Nesting depth is bounded by the parentheses a person writes in an attribute (and
        /// capped), so recursion is fine here, unlike in the task and asset graphs.
        /// </summary>
        private sealed class Reader
        {
            private const int MaxDepth = 64;
            private readonly string _text;
            private int _position;
            private int _depth;

            public Reader(string text)
            {
                _text = text;
                SkipSpaces();
            }

            public bool AtEnd => _position >= _text.Length;

            public AssetExpression? ReadAny(out string? error)
            {
                var left = ReadAll(out error);
                while (left is not null && Peek() == '|')
                {
                    Advance();
                    var right = ReadAll(out error);
                    if (right is null) return null;
                    left = new Any(left, right);
                }
                return left;
            }

            public string Describe(string expected) => AtEnd
                ? $"{expected} but the condition ends after '{_text.TrimEnd()}'"
                : $"{expected} at position {_position + 1} of the condition but found '{_text[_position]}'";

            private AssetExpression? ReadAll(out string? error)
            {
                var left = ReadOperand(out error);
                while (left is not null && Peek() == '&')
                {
                    Advance();
                    var right = ReadOperand(out error);
                    if (right is null) return null;
                    left = new All(left, right);
                }
                return left;
            }

            private AssetExpression? ReadOperand(out string? error)
            {
                error = null;
                var next = Peek();
                if (next == '(')
                {
                    var open = _position;
                    if (++_depth > MaxDepth)
                    {
                        error = $"parentheses are nested more than {MaxDepth} deep";
                        return null;
                    }
                    Advance();
                    var inner = ReadAny(out error);
                    if (inner is null) return null;
                    if (Peek() != ')')
                    {
                        error = AtEnd ? $"the '(' at position {open + 1} is never closed" : Describe("expected ')'");
                        return null;
                    }
                    Advance();
                    _depth--;
                    return inner;
                }

                if (next is null || !IsNameCharacter(next.Value))
                {
                    error = Describe("expected an asset name");
                    return null;
                }

                var start = _position;
                while (_position < _text.Length && IsNameCharacter(_text[_position])) _position++;
                var name = _text.Substring(start, _position - start);
                if (!IsValidName(name, out error)) return null;
                SkipSpaces();
                return new Asset(name, start);
            }

            private char? Peek() => AtEnd ? null : _text[_position];

            private void Advance()
            {
                _position++;
                SkipSpaces();
            }

            private void SkipSpaces()
            {
                while (_position < _text.Length && char.IsWhiteSpace(_text[_position])) _position++;
            }
        }
    }
}
