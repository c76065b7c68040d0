using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NodaTime;
using NodaTime.Text;

namespace Pipelines.Calendars;

/// <summary>
/// The Gregorian dates of the Chinese festivals Hong Kong's general holidays hang off, 1990-2035: Lunar New Year's Day
/// (1st day of the 1st month), Ching Ming (the solar term, about April 5), Buddha's Birthday (4th month, 8th day), Tuen
/// Ng (5th month, 5th day), the Mid-Autumn Festival itself (8th month, 15th day; the holiday is the day after) and Chung
/// Yeung (9th month, 9th day).
/// </summary>
/// <remarks>
/// The lunar dates are a table, not a run-time computation: which month is the leap month is settled by the
/// observatories' astronomy, not by a formula. Two sources were compared year by year: exchange_calendars' precomputed
/// lunisolar tables (built from the Hong Kong Observatory's almanacs) and .NET's <c>ChineseLunisolarCalendar</c>. They
/// agree for 1990-2033 and disagree for 2034, after the "2033 problem" (2033's leap month is the eleventh, after the
/// winter solstice): exchange_calendars puts 2034's Buddha's Birthday, Tuen Ng, Mid-Autumn and Chung Yeung a month early
/// (04-26, 05-22, 08-28, 09-21), which would need a leap month early in 2034 that the Observatory's calendar does not
/// have; this table keeps the later dates (05-25, 06-20, 09-27, 10-20). Ching Ming is exchange_calendars' table. Years
/// after the government's latest gazetted list are these astronomical predictions, not published holidays.
/// </remarks>
/// <param name="LunarNewYear">Lunar New Year's Day.</param>
/// <param name="ChingMing">Ching Ming Festival.</param>
/// <param name="BuddhasBirthday">The Birthday of the Buddha.</param>
/// <param name="TuenNg">Tuen Ng (Dragon Boat) Festival.</param>
/// <param name="MidAutumn">The Chinese Mid-Autumn Festival itself (the holiday is the day after).</param>
/// <param name="ChungYeung">Chung Yeung Festival.</param>
internal sealed record ChineseFestivals(LocalDate LunarNewYear, LocalDate ChingMing, LocalDate BuddhasBirthday, LocalDate TuenNg, LocalDate MidAutumn, LocalDate ChungYeung)
{
    // Year, then the month-day of Lunar New Year, Ching Ming, Buddha's Birthday, Tuen Ng, Mid-Autumn and Chung Yeung.
    private static readonly string[] Table =
    [
        "1990 01-27 04-05 05-02 05-28 10-03 10-26",
        "1991 02-15 04-05 05-21 06-16 09-22 10-16",
        "1992 02-04 04-04 05-10 06-05 09-11 10-04",
        "1993 01-23 04-05 05-28 06-24 09-30 10-23",
        "1994 02-10 04-05 05-18 06-13 09-20 10-13",
        "1995 01-31 04-05 05-07 06-02 09-09 11-01",
        "1996 02-19 04-04 05-24 06-20 09-27 10-20",
        "1997 02-07 04-05 05-14 06-09 09-16 10-10",
        "1998 01-28 04-05 05-03 05-30 10-05 10-28",
        "1999 02-16 04-05 05-22 06-18 09-24 10-17",
        "2000 02-05 04-04 05-11 06-06 09-12 10-06",
        "2001 01-24 04-05 04-30 06-25 10-01 10-25",
        "2002 02-12 04-05 05-19 06-15 09-21 10-14",
        "2003 02-01 04-05 05-08 06-04 09-11 10-04",
        "2004 01-22 04-04 05-26 06-22 09-28 10-22",
        "2005 02-09 04-05 05-15 06-11 09-18 10-11",
        "2006 01-29 04-05 05-05 05-31 10-06 10-30",
        "2007 02-18 04-05 05-24 06-19 09-25 10-19",
        "2008 02-07 04-04 05-12 06-08 09-14 10-07",
        "2009 01-26 04-04 05-02 05-28 10-03 10-26",
        "2010 02-14 04-05 05-21 06-16 09-22 10-16",
        "2011 02-03 04-05 05-10 06-06 09-12 10-05",
        "2012 01-23 04-04 04-28 06-23 09-30 10-23",
        "2013 02-10 04-04 05-17 06-12 09-19 10-13",
        "2014 01-31 04-05 05-06 06-02 09-08 10-02",
        "2015 02-19 04-05 05-25 06-20 09-27 10-21",
        "2016 02-08 04-04 05-14 06-09 09-15 10-09",
        "2017 01-28 04-04 05-03 05-30 10-04 10-28",
        "2018 02-16 04-05 05-22 06-18 09-24 10-17",
        "2019 02-05 04-05 05-12 06-07 09-13 10-07",
        "2020 01-25 04-04 04-30 06-25 10-01 10-25",
        "2021 02-12 04-04 05-19 06-14 09-21 10-14",
        "2022 02-01 04-05 05-08 06-03 09-10 10-04",
        "2023 01-22 04-05 05-26 06-22 09-29 10-23",
        "2024 02-10 04-04 05-15 06-10 09-17 10-11",
        "2025 01-29 04-04 05-05 05-31 10-06 10-29",
        "2026 02-17 04-05 05-24 06-19 09-25 10-18",
        "2027 02-06 04-05 05-13 06-09 09-15 10-08",
        "2028 01-26 04-04 05-02 05-28 10-03 10-26",
        "2029 02-13 04-04 05-20 06-16 09-22 10-16",
        "2030 02-03 04-05 05-09 06-05 09-12 10-05",
        "2031 01-23 04-05 05-28 06-24 10-01 10-24",
        "2032 02-11 04-04 05-16 06-12 09-19 10-12",
        "2033 01-31 04-04 05-06 06-01 09-08 10-01",
        "2034 02-19 04-05 05-25 06-20 09-27 10-20",
        "2035 02-08 04-05 05-15 06-10 09-16 10-09",
    ];

    private static readonly Dictionary<int, ChineseFestivals> ByYear = Table.Select(Parse).ToDictionary(row => row.Year, row => row.Festivals);

    /// <summary>The festivals of <paramref name="year"/>, or <see langword="null"/> outside 1990-2035.</summary>
    /// <param name="year">A Gregorian year.</param>
    /// <returns>The festival dates of that year.</returns>
    public static ChineseFestivals? In(int year) => ByYear.GetValueOrDefault(year);

    private static (int Year, ChineseFestivals Festivals) Parse(string row)
    {
        var parts = row.Split(' ');
        var year = int.Parse(parts[0], CultureInfo.InvariantCulture);
        LocalDate At(int i) => LocalDatePattern.Iso.Parse($"{year:D4}-{parts[i]}").GetValueOrThrow();
        return (year, new ChineseFestivals(At(1), At(2), At(3), At(4), At(5), At(6)));
    }
}
