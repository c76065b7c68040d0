using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// XAMS, Euronext Amsterdam (Amsterdam Exchanges before 2000), Europe/Amsterdam: continuous trading 09:00-17:30, on
/// Euronext's common holiday calendar since 2002.
/// </summary>
/// <remarks>
/// Before 2002 the exchange also closed on Queen's Day, Whit Monday and New Year's Eve, and until 2000 on Ascension Day
/// (as in exchange_calendars). Only continuous trading is modelled, not the auctions.
/// </remarks>
internal static class EuronextAmsterdam
{
    private static readonly LocalTime Open = new(9, 0);

    public static RuleBasedCalendar Create() => new(
        "XAMS",
        "Euronext Amsterdam",
        DateTimeZoneProviders.Tzdb["Europe/Amsterdam"],
        // Shares traded 09:30-16:30 until July 1999 (Amsterdam Exchanges, 1999-07-23, via Mondo Visione). That these
        // were the hours through all of the 1990s is not checked against an exchange notice here.
        new TradingHours(new LocalTime(9, 30), new LocalTime(16, 30)),
        SupportedRange.First,
        SupportedRange.Last,
        [
            ..Euronext.Holidays,
            new FixedDateHoliday("Queen's Day", 4, 30) { LastYear = Euronext.LastNationalYear },
            new EasterOffsetHoliday("Ascension Day", +39) { LastYear = 2000 },
            new EasterOffsetHoliday("Whit Monday", +50) { LastYear = Euronext.LastNationalYear },
            new FixedDateHoliday("New Year's Eve", 12, 31) { LastYear = Euronext.LastNationalYear },
        ],
        Euronext.EarlyCloses)
    {
        HoursChanges =
        [
            // "Trading in a large number of Amsterdam Exchange products will begin at 09:00 with effect from August 1,
            // 1999"; shares on the official market 09:00-16:30 (Amsterdam Exchanges, 1999-07-23). August 1 was a Sunday.
            new HoursChange(new LocalDate(1999, 8, 2), new TradingHours(Open, new LocalTime(16, 30))),

            // The close moved to Euronext's 17:30 between 1999 and 2012 (xea.nl lists 09:00-17:30 for Amsterdam in
            // 2012); the date was not found, so it is put at the start of the common calendar. Sessions in 2000 and
            // 2001 may have closed at 17:30 already.
            new HoursChange(new LocalDate(2002, 1, 1), new TradingHours(Open, new LocalTime(17, 30))),
        ],
    };
}
