using System;
using NodaTime;
using NodaTime.Text;

namespace Pipelines.Hangfire;

/// <summary>
/// The text of an instant in the runtime's records: ISO-8601 in UTC, exactly as NodaTime's
/// <see cref="InstantPattern.ExtendedIso"/> writes it (<c>2026-12-04T03:05:07.1234567Z</c>: the date and time of day, a
/// fraction of up to nine digits without trailing zeros, none when whole, then <c>Z</c>).
/// </summary>
/// <remarks>
/// A try's start and end write and read several instants, and every page that shows a run reads its records' instants;
/// the pattern's engine allocates a cursor, buckets and a result for each one it reads, and a builder for each it writes.
/// Instants of years 1 to 9999 in that
/// exact shape are written and read here with spans; everything else (other years, a comma before the fraction, any text
/// not in the shape) goes to the pattern, so what is accepted and what is refused, and how, stay the pattern's.
/// </remarks>
internal static class InstantText
{
    /// <summary>The longest text written here: <c>uuuu-MM-ddTHH:mm:ss.fffffffffZ</c>.</summary>
    public const int MaxLength = 30;

    private const int WholeLength = 20; // uuuu-MM-ddTHH:mm:ssZ

    /// <summary>The instant's text (see the class's summary).</summary>
    public static string Format(Instant instant)
    {
        Span<char> text = stackalloc char[MaxLength];
        return TryFormat(instant, text, out var written) ? new string(text[..written]) : InstantPattern.ExtendedIso.Format(instant);
    }

    /// <summary>
    /// Writes the instant's text into <paramref name="destination"/> (at least <see cref="MaxLength"/> long); false, having
    /// written nothing, for a year outside 1 to 9999 (which <see cref="Format"/> leaves to the pattern).
    /// </summary>
    public static bool TryFormat(Instant instant, Span<char> destination, out int written)
    {
        written = 0;
        if (destination.Length < MaxLength) return false;
        var local = instant.InUtc().LocalDateTime;
        if (local.Year is < 1 or > 9999) return false;
        Digits(destination, 0, local.Year, 4);
        destination[4] = '-';
        Digits(destination, 5, local.Month, 2);
        destination[7] = '-';
        Digits(destination, 8, local.Day, 2);
        destination[10] = 'T';
        Digits(destination, 11, local.Hour, 2);
        destination[13] = ':';
        Digits(destination, 14, local.Minute, 2);
        destination[16] = ':';
        Digits(destination, 17, local.Second, 2);
        var at = 19;
        if (local.NanosecondOfSecond is var nanoseconds and > 0)
        {
            destination[at++] = '.';
            var digits = 9;
            while (nanoseconds % 10 == 0)
            {
                nanoseconds /= 10;
                digits--;
            }
            Digits(destination, at, nanoseconds, digits);
            at += digits;
        }
        destination[at++] = 'Z';
        written = at;
        return true;
    }

    /// <summary>Reads an instant's text; null when empty. Text not in the shape written here is read by the pattern, which throws <see cref="UnparsableValueException"/> for what it refuses.</summary>
    public static Instant? Parse(string? text) =>
        string.IsNullOrEmpty(text) ? null : TryParseShape(text, out var instant) ? instant : InstantPattern.ExtendedIso.Parse(text).Value;

    /// <summary>Reads an instant's text as <see cref="Parse"/> does; null where the pattern refuses it.</summary>
    public static Instant? ParseOrNull(string text)
    {
        if (TryParseShape(text, out var instant)) return instant;
        var result = InstantPattern.ExtendedIso.Parse(text);
        return result.Success ? result.Value : null;
    }

    /// <summary>
    /// Reads text in exactly the shape <see cref="TryFormat"/> writes, with every field in range; false for anything else
    /// (which the pattern then judges), including a fraction with trailing zeros, which the pattern reads but never writes.
    /// </summary>
    public static bool TryParseShape(ReadOnlySpan<char> text, out Instant instant)
    {
        instant = default;
        if (text.Length < WholeLength || text.Length > MaxLength || text.Length == WholeLength + 1 || text[^1] != 'Z'
            || text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':')
            return false;
        if (!Number(text, 0, 4, out var year) || !Number(text, 5, 2, out var month) || !Number(text, 8, 2, out var day)
            || !Number(text, 11, 2, out var hour) || !Number(text, 14, 2, out var minute) || !Number(text, 17, 2, out var second))
            return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > CalendarSystem.Iso.GetDaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
            return false;
        var nanoseconds = 0;
        if (text.Length > WholeLength)
        {
            // ".f" to ".fffffffff" before the Z, its last digit not a zero.
            var digits = text.Length - WholeLength - 1;
            if (text[19] != '.' || text[^2] == '0' || !Number(text, 20, digits, out nanoseconds)) return false;
            for (var i = digits; i < 9; i++) nanoseconds *= 10;
        }
        instant = Instant.FromUtc(year, month, day, hour, minute, second).PlusNanoseconds(nanoseconds);
        return true;
    }

    private static void Digits(Span<char> destination, int at, int value, int count)
    {
        for (var i = at + count - 1; i >= at; i--)
        {
            destination[i] = (char)('0' + value % 10);
            value /= 10;
        }
    }

    private static bool Number(ReadOnlySpan<char> text, int at, int count, out int value)
    {
        value = 0;
        for (var i = at; i < at + count; i++)
        {
            var digit = text[i] - '0';
            if ((uint)digit > 9) return false;
            value = value * 10 + digit;
        }
        return true;
    }
}
