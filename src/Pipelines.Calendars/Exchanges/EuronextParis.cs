using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// XPAR, Euronext Paris (the Paris Bourse before 2000), Europe/Paris: continuous trading 09:00-17:30 since
/// 2000-04-03, on Euronext's common holiday calendar since 2002.
/// </summary>
/// <remarks>
/// Before 2002 the Bourse also closed on Whit Monday, Bastille Day and New Year's Eve (as in exchange_calendars, whose
/// XPAR tests name 2001-06-04, 2000-07-14 and 2001-12-31 as the last of them). Other French public holidays
/// (Ascension, 8 May, 15 August, 1 and 11 November) were trading days. Only continuous trading is modelled, not the
/// auctions.
/// </remarks>
internal static class EuronextParis
{
    private static readonly LocalTime Open = new(9, 0);

    public static RuleBasedCalendar Create() => new(
        "XPAR",
        "Euronext Paris",
        DateTimeZoneProviders.Tzdb["Europe/Paris"],
        // The Bourse's "traditional" 10:00 open and 17:00 close (Wall Street Italia, 2000-03-31). That these were the
        // hours through all of the 1990s is not checked against a Bourse notice here.
        new TradingHours(new LocalTime(10, 0), new LocalTime(17, 0)),
        SupportedRange.First,
        SupportedRange.Last,
        [
            ..Euronext.Holidays,
            new EasterOffsetHoliday("Whit Monday", +50) { LastYear = Euronext.LastNationalYear },
            new FixedDateHoliday("Bastille Day", 7, 14) { LastYear = Euronext.LastNationalYear },
            new FixedDateHoliday("New Year's Eve", 12, 31) { LastYear = Euronext.LastNationalYear },
        ],
        Euronext.EarlyCloses)
    {
        HoursChanges =
        [
            // European harmonisation of hours: the open moved from 10:00 to 09:00 on 1999-09-20 and the close from
            // 17:00 to 17:30 on Monday 2000-04-03 (Wall Street Italia, 2000-03-31).
            new HoursChange(new LocalDate(1999, 9, 20), new TradingHours(Open, new LocalTime(17, 0))),
            new HoursChange(new LocalDate(2000, 4, 3), new TradingHours(Open, new LocalTime(17, 30))),
        ],
    };
}
