using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// XASX, the Australian Securities Exchange's cash equity market, Australia/Sydney: 10:00-16:00, closing at 14:10 on the
/// last trading day before Christmas and the last trading day of the year (from 2010). Closed on the national holidays
/// as New South Wales observes them.
/// </summary>
/// <remarks>
/// Only continuous trading is modelled: the staggered open (10:00-10:09 by first letter of the code) and the closing
/// single price auction (about 16:10) are not. Sydney's daylight saving is the zone's (AEDT from October to April).
/// </remarks>
internal static class AustralianSecuritiesExchange
{
    private static readonly LocalTime EarlyClose = new(14, 10);

    public static RuleBasedCalendar Create() => new(
        "XASX",
        "Australian Securities Exchange",
        DateTimeZoneProviders.Tzdb["Australia/Sydney"],
        new TradingHours(new LocalTime(10, 0), new LocalTime(16, 0)),
        SupportedRange.First,
        SupportedRange.Last,
        [
            new FixedDateHoliday("New Year's Day", 1, 1) { Observance = Observance.WeekendToMonday },

            // Before the states agreed in 1994 to keep January 26 itself (a weekend one moving to Monday), New South
            // Wales kept the Monday on or after it; in 1993 the states differed and ASX traded (exchange_calendars, after
            // E. Kwan, "Celebrating Australia: A history of Australia Day").
            new WeekdayOnOrNearHoliday("Australia Day", 1, 26, IsoDayOfWeek.Monday, OnOrBefore: false) { LastYear = 1992 },
            new FixedDateHoliday("Australia Day", 1, 26) { Observance = Observance.WeekendToMonday, FirstYear = 1994 },

            new EasterOffsetHoliday("Good Friday", -2),
            new EasterOffsetHoliday("Easter Monday", +1),

            // Anzac Day is not moved off a weekend, except 2010, when Sunday April 25 was observed on Monday 26. In 2011
            // it fell on Easter Monday and Tuesday 26 was added.
            new FixedDateHoliday("Anzac Day", 4, 25) { ExceptYears = [2010] },
            new OneOffHoliday("Anzac Day", new LocalDate(2010, 4, 26)),
            new OneOffHoliday("Easter Tuesday", new LocalDate(2011, 4, 26)),

            // Second Monday of June; the King's Birthday from 2023.
            new NthWeekdayHoliday("Queen's Birthday", 6, IsoDayOfWeek.Monday, 2) { LastYear = 2022 },
            new NthWeekdayHoliday("King's Birthday", 6, IsoDayOfWeek.Monday, 2) { FirstYear = 2023 },

            // A weekend Christmas or Boxing Day is made up two days on, so the substitutes step past each other
            // (ASX: 2021-12-27/28, 2022-12-26/27).
            new FixedDateHoliday("Christmas Day", 12, 25) { Observance = Observance.WeekendPlusTwoDays },
            new FixedDateHoliday("Boxing Day", 12, 26) { Observance = Observance.WeekendPlusTwoDays },

            new OneOffHoliday("New Year's Eve", new LocalDate(1990, 12, 31)),
            new OneOffHoliday("Y2K", new LocalDate(1999, 12, 31)),
            new OneOffHoliday("National Day of Mourning for Queen Elizabeth II", new LocalDate(2022, 9, 22)),
        ],
        [
            // ASX's trading calendar: the last trading day before Christmas and the last of the year close at 14:10 (ASX
            // 2025 calendar), on the Friday before when December 24 or 31 is a weekend (exchange_calendars, from 2010; one
            // other source says the close is dropped instead in weekend years). 2022 had none: December 23 and 30 traded
            // full days (ASX notice, November 2022).
            new FixedDateEarlyClose("Last trading day before Christmas", 12, 24, EarlyClose) { WeekendToFriday = true, FirstYear = 2010, LastYear = 2021 },
            new FixedDateEarlyClose("Last trading day of the year", 12, 31, EarlyClose) { WeekendToFriday = true, FirstYear = 2010, LastYear = 2021 },
            new FixedDateEarlyClose("Last trading day before Christmas", 12, 24, EarlyClose) { WeekendToFriday = true, FirstYear = 2023 },
            new FixedDateEarlyClose("Last trading day of the year", 12, 31, EarlyClose) { WeekendToFriday = true, FirstYear = 2023 },
        ]);
}
