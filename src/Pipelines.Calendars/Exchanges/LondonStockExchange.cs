using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// XLON, the London Stock Exchange's order book (SETS), Europe/London: 08:00-16:30, closing at 12:30 on Christmas Eve
/// and New Year's Eve. Closed on the bank holidays of England and Wales.
/// </summary>
/// <remarks>
/// Bank holidays follow the Banking and Financial Dealings Act 1971 and the royal proclamations that added or moved
/// days (as listed on gov.uk's bank holiday pages). Scotland's and Northern Ireland's extra days (2 January, St Andrew's
/// Day, St Patrick's Day, 12 July) are not LSE closures. Only the continuous trading hours are modelled: auctions and
/// the two-minute midday auction on SETS are not.
/// </remarks>
internal static class LondonStockExchange
{
    private static readonly LocalTime HalfDayClose = new(12, 30);

    public static RuleBasedCalendar Create() => new(
        "XLON",
        "London Stock Exchange",
        DateTimeZoneProviders.Tzdb["Europe/London"],
        new TradingHours(new LocalTime(8, 0), new LocalTime(16, 30)),
        SupportedRange.First,
        SupportedRange.Last,
        [
            // A weekend New Year's Day is a substitute holiday on the Monday after (gov.uk: 2022-01-03, 2023-01-02).
            new FixedDateHoliday("New Year's Day", 1, 1) { Observance = Observance.WeekendToMonday },
            new EasterOffsetHoliday("Good Friday", -2),
            new EasterOffsetHoliday("Easter Monday", +1),

            // First Monday of May since 1978; moved to Monday 8 May for VE Day's 50th anniversary in 1995 and to Friday
            // 8 May for its 75th in 2020 (proclamations; gov.uk 2020 list).
            new NthWeekdayHoliday("Early May bank holiday", 5, IsoDayOfWeek.Monday, 1) { ExceptYears = [1995, 2020] },
            new OneOffHoliday("Early May bank holiday (VE Day)", new LocalDate(1995, 5, 8), new LocalDate(2020, 5, 8)),

            // Last Monday of May, moved next to each jubilee: to Tuesday 4 June 2002, Monday 4 June 2012 and Thursday
            // 2 June 2022.
            new LastWeekdayHoliday("Spring bank holiday", 5, IsoDayOfWeek.Monday) { ExceptYears = [2002, 2012, 2022] },
            new OneOffHoliday("Spring bank holiday", new LocalDate(2002, 6, 4), new LocalDate(2012, 6, 4), new LocalDate(2022, 6, 2)),

            new LastWeekdayHoliday("Summer bank holiday", 8, IsoDayOfWeek.Monday),

            // Christmas and Boxing Day on a weekend are made up on the next weekdays not already taken: both move two
            // days on, so a Saturday Christmas gives Monday 27 and Tuesday 28, a Sunday Christmas Boxing Day on Monday 26
            // and Christmas's substitute on Tuesday 27 (gov.uk: 2021-12-27/28, 2022-12-26/27).
            new FixedDateHoliday("Christmas Day", 12, 25) { Observance = Observance.WeekendPlusTwoDays },
            new FixedDateHoliday("Boxing Day", 12, 26) { Observance = Observance.WeekendPlusTwoDays },

            // One-off bank holidays by royal proclamation.
            new OneOffHoliday("Millennium", new LocalDate(1999, 12, 31)),
            new OneOffHoliday("Golden Jubilee", new LocalDate(2002, 6, 3)),
            new OneOffHoliday("Royal wedding", new LocalDate(2011, 4, 29)),
            new OneOffHoliday("Diamond Jubilee", new LocalDate(2012, 6, 5)),
            new OneOffHoliday("Platinum Jubilee", new LocalDate(2022, 6, 3)),
            new OneOffHoliday("State funeral of Queen Elizabeth II", new LocalDate(2022, 9, 19)),
            new OneOffHoliday("Coronation of King Charles III", new LocalDate(2023, 5, 8)),
        ],
        [
            // Half days: trading closes at 12:30 on Christmas Eve and New Year's Eve, or on the Friday before when they
            // fall on a weekend (LSE Christmas notices: 24 and 31 December 2007; 22 and 29 December 2023). 1999-12-31 was
            // a bank holiday instead.
            new FixedDateEarlyClose("Christmas Eve", 12, 24, HalfDayClose) { WeekendToFriday = true },
            new FixedDateEarlyClose("New Year's Eve", 12, 31, HalfDayClose) { WeekendToFriday = true },
        ]);
}
