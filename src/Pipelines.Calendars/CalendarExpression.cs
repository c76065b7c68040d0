// This file is compiled into both Pipelines.Calendars and the Pipelines.Generators analyzer, so a calendar expression
// the IDE accepts is exactly one ExchangeCalendar.Get accepts. Keep it netstandard2.0-compatible.
using System;
using System.Collections.Generic;
using System.Text;

namespace Pipelines.Calendars
{
    /// <summary>
    /// A calendar id or a combination of calendars: <c>XNYS &amp; CMES</c> (sessions of both), <c>XLON | XNYS</c>
    /// (sessions of either), with parentheses; <c>&amp;</c> binds tighter than <c>|</c>, as in C#.
    /// </summary>
    /// <remarks>
    /// An id is any run of characters other than whitespace, <c>&amp;</c>, <c>|</c>, <c>(</c> and <c>)</c>, so every id a
    /// user can register stays a valid expression on its own.
    /// </remarks>
    internal abstract class CalendarExpression
    {
        private CalendarExpression()
        {
        }

        /// <summary>Reads <paramref name="text"/>, or says what is wrong with it and where.</summary>
        /// <param name="text">The expression, for example <c>(XNYS | XLON) &amp; CMES</c>.</param>
        /// <param name="expression">The expression read, when the text is well formed.</param>
        /// <param name="error">Why the text is malformed, as a clause that can follow "is invalid: ".</param>
        /// <returns><see langword="true"/> when the text is well formed.</returns>
        public static bool TryParse(string text, out CalendarExpression? expression, out string? error)
        {
            if (text is null) throw new ArgumentNullException(nameof(text));
            var reader = new Reader(text);
            expression = null;
            if (reader.AtEnd)
            {
                error = "it is empty";
                return false;
            }

            var parsed = reader.ReadUnion(out error);
            if (parsed is null) return false;
            if (!reader.AtEnd)
            {
                error = reader.Describe("expected '&', '|' or the end");
                return false;
            }

            expression = parsed;
            return true;
        }

        /// <summary>The calendar ids the expression names, in the order they appear, with their position in the text.</summary>
        public IReadOnlyList<Id> Ids()
        {
            var ids = new List<Id>();
            var pending = new Stack<CalendarExpression>();
            pending.Push(this);
            while (pending.Count > 0)
            {
                switch (pending.Pop())
                {
                    case Id id: ids.Add(id); break;
                    case Both both: pending.Push(both.Right); pending.Push(both.Left); break;
                    case Either either: pending.Push(either.Right); pending.Push(either.Left); break;
                }
            }
            return ids;
        }

        /// <summary>The expression written with single spaces around operators and only the parentheses it needs.</summary>
        public override string ToString()
        {
            var text = new StringBuilder();
            Write(text, parentPrecedence: 0);
            return text.ToString();
        }

        private protected abstract void Write(StringBuilder text, int parentPrecedence);

        /// <summary>One calendar id, at <see cref="Start"/> in the text it was read from.</summary>
        internal sealed class Id : CalendarExpression
        {
            public Id(string name, int start)
            {
                Name = name;
                Start = start;
            }

            public string Name { get; }

            /// <summary>The zero-based offset of the id in the expression text.</summary>
            public int Start { get; }

            private protected override void Write(StringBuilder text, int parentPrecedence) => text.Append(Name);
        }

        /// <summary><c>Left &amp; Right</c>: the sessions of both.</summary>
        internal sealed class Both : CalendarExpression
        {
            public Both(CalendarExpression left, CalendarExpression right)
            {
                Left = left;
                Right = right;
            }

            public CalendarExpression Left { get; }

            public CalendarExpression Right { get; }

            private protected override void Write(StringBuilder text, int parentPrecedence)
            {
                Left.Write(text, 2);
                text.Append(" & ");
                Right.Write(text, 3);
            }
        }

        /// <summary><c>Left | Right</c>: the sessions of either.</summary>
        internal sealed class Either : CalendarExpression
        {
            public Either(CalendarExpression left, CalendarExpression right)
            {
                Left = left;
                Right = right;
            }

            public CalendarExpression Left { get; }

            public CalendarExpression Right { get; }

            private protected override void Write(StringBuilder text, int parentPrecedence)
            {
                // Parenthesised only where '&' (or the right side of another '|') would otherwise regroup it.
                var parenthesise = parentPrecedence > 1;
                if (parenthesise) text.Append('(');
                Left.Write(text, 1);
                text.Append(" | ");
                Right.Write(text, 2);
                if (parenthesise) text.Append(')');
            }
        }

        /// <summary>
        /// A recursive-descent reader. Nesting depth is bounded by the parentheses a person writes in an attribute, so
        /// recursion is fine here, unlike in the task graph.
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

            public CalendarExpression? ReadUnion(out string? error)
            {
                var left = ReadIntersection(out error);
                while (left is not null && Peek() == '|')
                {
                    Advance();
                    var right = ReadIntersection(out error);
                    if (right is null) return null;
                    left = new Either(left, right);
                }
                return left;
            }

            public string Describe(string expected) => AtEnd
                ? $"{expected} but the expression ends after '{_text.TrimEnd()}'"
                : $"{expected} at position {_position + 1} but found '{_text[_position]}'";

            private CalendarExpression? ReadIntersection(out string? error)
            {
                var left = ReadOperand(out error);
                while (left is not null && Peek() == '&')
                {
                    Advance();
                    var right = ReadOperand(out error);
                    if (right is null) return null;
                    left = new Both(left, right);
                }
                return left;
            }

            private CalendarExpression? ReadOperand(out string? error)
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
                    var inner = ReadUnion(out error);
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

                if (next is null or '&' or '|' or ')')
                {
                    error = Describe("expected a calendar id");
                    return null;
                }

                var start = _position;
                while (_position < _text.Length && IsIdCharacter(_text[_position])) _position++;
                var id = new Id(_text.Substring(start, _position - start), start);
                SkipSpaces();
                return id;
            }

            private static bool IsIdCharacter(char c) => !char.IsWhiteSpace(c) && c != '&' && c != '|' && c != '(' && c != ')';

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
