using System.Collections.Generic;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// The holiday calendar Euronext's cash markets share since 2002 (Paris, Amsterdam, Brussels, Lisbon): closed on New
/// Year's Day, Good Friday, Easter Monday, Labour Day, Christmas Day and Boxing Day; half days on Christmas Eve and New
/// Year's Eve. Each market adds its own national holidays before 2002.
/// </summary>
internal static class Euronext
{
    /// <summary>The first year of the harmonised calendar; national holidays end with 2001.</summary>
    public const int LastNationalYear = 2001;

    // "Half day trading with all instruments closing by 14:05 CET" (Euronext, 2019 holiday calendar, 2018-10-18). NYSE
    // Euronext's 2012 calendar said the cash markets "will close at 14:00 CET" on 24 and 31 December: 14:00 ends
    // continuous trading and 14:05 the closing auction, as 17:30 and 17:35 do on other days. We keep Euronext's
    // published 14:05 for every year, although our regular close (17:30) is the end of continuous trading.
    private static readonly LocalTime HalfDayClose = new(14, 5);

    public static IEnumerable<HolidayRule> Holidays =>
    [
        // Euronext, 2019 holiday calendar; NYSE Euronext, 2012 holiday calendar. A holiday on a weekend is not moved.
        new FixedDateHoliday("New Year's Day", 1, 1),
        new EasterOffsetHoliday("Good Friday", -2),
        new EasterOffsetHoliday("Easter Monday", +1),
        new FixedDateHoliday("Labour Day", 5, 1),
        new FixedDateHoliday("Christmas Day", 12, 25),
        new FixedDateHoliday("Boxing Day", 12, 26),
    ];

    public static IEnumerable<EarlyCloseRule> EarlyCloses =>
    [
        // Only on the day itself: a Christmas Eve or New Year's Eve on a weekend shortens no Friday. Christmas Eve is
        // a half day in every year here, as in exchange_calendars; before 2002 that is not checked against a notice.
        new FixedDateEarlyClose("Christmas Eve", 12, 24, HalfDayClose),

        // Until 2001 New Year's Eve was a holiday in Paris and Amsterdam (each market's own rules).
        new FixedDateEarlyClose("New Year's Eve", 12, 31, HalfDayClose) { FirstYear = LastNationalYear + 1 },
    ];
}
