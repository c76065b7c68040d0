using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// XTSE, the Toronto Stock Exchange, America/Toronto: 09:30-16:00, closing at 13:00 on Christmas Eve when it is a weekday
/// (from 2010). Closed on the Ontario statutory holidays TMX observes.
/// </summary>
/// <remarks>
/// Only continuous trading is modelled, not the opening and closing auctions (MOC). Days Canadian governments observe
/// that TMX does not (Remembrance Day, the National Day for Truth and Reconciliation, 2022-09-19) are sessions.
/// </remarks>
internal static class TorontoStockExchange
{
    public static RuleBasedCalendar Create() => new(
        "XTSE",
        "Toronto Stock Exchange",
        DateTimeZoneProviders.Tzdb["America/Toronto"],
        new TradingHours(new LocalTime(9, 30), new LocalTime(16, 0)),
        SupportedRange.First,
        SupportedRange.Last,
        [
            new FixedDateHoliday("New Year's Day", 1, 1) { Observance = Observance.WeekendToMonday },

            // Ontario's Family Day, third Monday of February, since 2008.
            new NthWeekdayHoliday("Family Day", 2, IsoDayOfWeek.Monday, 3) { FirstYear = 2008 },
            new EasterOffsetHoliday("Good Friday", -2),

            // The Monday before May 25.
            new WeekdayOnOrNearHoliday("Victoria Day", 5, 24, IsoDayOfWeek.Monday, OnOrBefore: true),
            new FixedDateHoliday("Canada Day", 7, 1) { Observance = Observance.WeekendToMonday },
            new NthWeekdayHoliday("Civic Holiday", 8, IsoDayOfWeek.Monday, 1),
            new NthWeekdayHoliday("Labour Day", 9, IsoDayOfWeek.Monday, 1),
            new NthWeekdayHoliday("Thanksgiving Day", 10, IsoDayOfWeek.Monday, 2),

            // A weekend Christmas or Boxing Day is made up two days on (TMX: 2021-12-27/28, 2022-12-26/27).
            new FixedDateHoliday("Christmas Day", 12, 25) { Observance = Observance.WeekendPlusTwoDays },
            new FixedDateHoliday("Boxing Day", 12, 26) { Observance = Observance.WeekendPlusTwoDays },

            // TSX did not open after the attacks on New York.
            new OneOffHoliday("September 11 attacks", new LocalDate(2001, 9, 11), new LocalDate(2001, 9, 12)),
        ],
        [
            // TMX's holiday schedules: 13:00 on December 24 when it is a weekday, not moved off a weekend (2021: Friday
            // December 24 closed early).
            new FixedDateEarlyClose("Christmas Eve", 12, 24, new LocalTime(13, 0)) { FirstYear = 2010 },
        ]);
}
