using System;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>The date of Western (Gregorian) Easter Sunday.</summary>
public static class GregorianEaster
{
    /// <summary>Easter Sunday in <paramref name="year"/>, by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).</summary>
    /// <param name="year">A Gregorian year, 1583 or later.</param>
    /// <returns>The date of Easter Sunday.</returns>
    /// <example><c>GregorianEaster.Sunday(2024)</c> is 2024-03-31.</example>
    public static LocalDate Sunday(int year)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 1583);

        var a = year % 19;              // position in the 19-year Metonic cycle
        var b = year / 100;
        var c = year % 100;
        var d = b / 4;
        var e = b % 4;
        var f = (b + 8) / 25;
        var g = (b - f + 1) / 3;
        var h = ((19 * a) + b - d - g + 15) % 30;  // epact-derived days to the paschal full moon
        var i = c / 4;
        var k = c % 4;
        var l = (32 + (2 * e) + (2 * i) - h - k) % 7;  // days from the full moon to the following Sunday
        var m = (a + (11 * h) + (22 * l)) / 451;
        var month = (h + l - (7 * m) + 114) / 31;
        var day = ((h + l - (7 * m) + 114) % 31) + 1;
        return new LocalDate(year, month, day);
    }
}
