using System.Linq;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// XHKG, the Stock Exchange of Hong Kong's securities market, Asia/Hong_Kong: continuous trading 09:30-12:00 and
/// 13:00-16:00 since 2012-03-05; 09:30-12:00 and 13:30-16:00 from 2011-03-07; 10:00-12:30 and 14:30-16:00 before.
/// On the eves of Christmas, New Year and Lunar New Year only the morning session trades.
/// </summary>
/// <remarks>
/// Closed on Hong Kong's general holidays (<see cref="HongKongHolidays"/>) and, before 2024-09-23, when typhoon signal 8
/// or the black rainstorm warning stayed up into the afternoon. Auction sessions (the pre-opening session, and the
/// closing auction to 16:08-16:10 from 2016-07-25 and in 2008-2009) are not modelled: the close is the end of continuous
/// trading.
/// </remarks>
internal static class HongKongExchange
{
    private static readonly LocalTime HalfDayCloseBefore2011 = new(12, 30);
    private static readonly LocalTime HalfDayClose = new(12, 0);

    public static RuleBasedCalendar Create() => new(
        "XHKG",
        "Hong Kong Stock Exchange",
        DateTimeZoneProviders.Tzdb["Asia/Hong_Kong"],
        new TradingHours(new LocalTime(10, 0), new LocalTime(16, 0)) { BreakStart = new LocalTime(12, 30), BreakEnd = new LocalTime(14, 30) },
        SupportedRange.First,
        SupportedRange.Last,
        [
            ..HongKongHolidays.Rules,

            // Whole days lost to typhoon signal 8 or the black rainstorm warning (HKEX market communications; the dates as
            // exchange_calendars records them, and the black rainstorm of 2023-09-08, when HKEX cancelled the whole day).
            // Days that lost only the morning or the afternoon are not modelled. Since 2024-09-23 the market keeps trading
            // in severe weather, so new closures of this kind are not expected.
            new OneOffHoliday(
                "Typhoon or black rainstorm",
                new LocalDate(1992, 7, 22),
                new LocalDate(1993, 9, 17),
                new LocalDate(1999, 9, 16),
                new LocalDate(2001, 7, 6),
                new LocalDate(2001, 7, 25),
                new LocalDate(2008, 8, 6),
                new LocalDate(2008, 8, 22),
                new LocalDate(2011, 9, 29),
                new LocalDate(2013, 8, 14),
                new LocalDate(2016, 8, 2),
                new LocalDate(2016, 10, 21),
                new LocalDate(2017, 8, 23),
                new LocalDate(2020, 10, 13),
                new LocalDate(2021, 10, 13),
                new LocalDate(2023, 7, 17),
                new LocalDate(2023, 9, 8),
                new LocalDate(2024, 9, 6)),
        ],
        [
            // Half days: the morning session only, closing at 12:30 before the hours changed on 2011-03-07 and at 12:00
            // since (HKEX Rule 501: no afternoon session on the eves of Christmas, New Year and Lunar New Year). An eve on
            // a weekend or a holiday is not moved.
            new FixedDateEarlyClose("Christmas Eve", 12, 24, HalfDayCloseBefore2011) { LastYear = 2010 },
            new FixedDateEarlyClose("New Year's Eve", 12, 31, HalfDayCloseBefore2011) { LastYear = 2010 },
            new FixedDateEarlyClose("Christmas Eve", 12, 24, HalfDayClose) { FirstYear = 2011 },
            new FixedDateEarlyClose("New Year's Eve", 12, 31, HalfDayClose) { FirstYear = 2011 },

            // Lunar New Year's Eve 2011 (February 2) still had the old hours.
            new OneOffEarlyClose("Lunar New Year's Eve", HalfDayCloseBefore2011, LunarNewYearsEves(1990, 2011)),
            new OneOffEarlyClose("Lunar New Year's Eve", HalfDayClose, LunarNewYearsEves(2012, 2035)),
        ])
    {
        HoursChanges =
        [
            // First phase of the extension of trading hours: the morning opens at 09:30 and ends at 12:00, the afternoon
            // starts at 13:30 (HKEX news releases of 2010-11-23 and 2011-01-24).
            new HoursChange(new LocalDate(2011, 3, 7), new TradingHours(new LocalTime(9, 30), new LocalTime(16, 0)) { BreakStart = new LocalTime(12, 0), BreakEnd = new LocalTime(13, 30) }),

            // Second phase: the afternoon starts at 13:00, aligned with the Mainland exchanges (HKEX news release of
            // 2012-03-01).
            new HoursChange(new LocalDate(2012, 3, 5), new TradingHours(new LocalTime(9, 30), new LocalTime(16, 0)) { BreakStart = new LocalTime(12, 0), BreakEnd = new LocalTime(13, 0) }),
        ],
    };

    private static LocalDate[] LunarNewYearsEves(int firstYear, int lastYear) =>
        Enumerable.Range(firstYear, lastYear - firstYear + 1)
            .Select(year => ChineseFestivals.In(year)!.LunarNewYear.PlusDays(-1))
            .ToArray();
}
