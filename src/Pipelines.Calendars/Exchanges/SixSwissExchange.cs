using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// XSWX, SIX Swiss Exchange (SWX Swiss Exchange until 2008), Europe/Zurich: 09:00-17:30 (continuous trading to
/// 17:20, then the closing auction), closed on most Swiss public holidays and on Christmas Eve and New Year's Eve.
/// </summary>
/// <remarks>
/// The holidays follow SWX's messages and trading calendars of 1999-2006 as cited by the exchange_calendars XSWX
/// calendar (SWX messages 72/99, 90/2000, 44/2001, 107/2001, 56/2002, 09/2003, 09/2006 among others) and Mondo
/// Visione's copy of the 15 May 2001 notice. SWX's electronic trading started with foreign equities on 1995-12-08 and
/// Swiss equities on 1996-08-02 (an Austrian bank's exchange summary); before that the Zurich, Basel and Geneva floors
/// traded in the ring, and their calendars and hours are not checked here.
/// </remarks>
internal static class SixSwissExchange
{
    private static readonly LocalTime Open = new(9, 0);

    public static RuleBasedCalendar Create() => new(
        "XSWX",
        "SIX Swiss Exchange",
        DateTimeZoneProviders.Tzdb["Europe/Zurich"],
        // Equities closed at 17:00 before virt-x started (SWX, 2001-05-15: "extend trading hours from 5 pm to 6 pm").
        new TradingHours(Open, new LocalTime(17, 0)),
        SupportedRange.First,
        SupportedRange.Last,
        [
            new FixedDateHoliday("New Year's Day", 1, 1),

            // From 25 June 2001 SWX kept only the TARGET closing days for equities, so Berchtold's Day, Ascension and
            // Whit Monday of 2002 and 1 August 2001-2005 were trading days (SWX, 2001-05-15). Ascension and Whit Monday
            // returned in 2003 (SWX message 09/2003), Berchtold's Day in 2003 (message 56/2002: 2 January 2003 closed)
            // and 1 August in 2006 (2006 trading calendar; message 09/2006).
            new FixedDateHoliday("Berchtold's Day", 1, 2) { ExceptYears = [2002] },
            new EasterOffsetHoliday("Good Friday", -2),
            new EasterOffsetHoliday("Easter Monday", +1),
            new FixedDateHoliday("Labour Day", 5, 1),
            new EasterOffsetHoliday("Ascension Day", +39) { ExceptYears = [2002] },
            new EasterOffsetHoliday("Whit Monday", +50) { ExceptYears = [2002] },
            new FixedDateHoliday("Swiss National Day", 8, 1) { ExceptYears = [2001, 2002, 2003, 2004, 2005] },

            // Christmas Eve and New Year's Eve traded in 1996 and 1997 (daily prices cited by exchange_calendars) and
            // are closed from 1998 (message 72/99; 107/2001 for 24 December 2001). For the years before 1996 nothing
            // was found; they are kept closed, as in exchange_calendars.
            new FixedDateHoliday("Christmas Eve", 12, 24) { ExceptYears = [1996, 1997] },
            new FixedDateHoliday("Christmas Day", 12, 25),
            new FixedDateHoliday("St Stephen's Day", 12, 26),
            new FixedDateHoliday("New Year's Eve", 12, 31) { ExceptYears = [1996, 1997] },

            // The exchange's "customer holiday" for the year 2000 changeover (message 72/99).
            new OneOffHoliday("Year 2000 changeover", new LocalDate(2000, 1, 3)),
        ],
        [])
    {
        HoursChanges =
        [
            // Equities traded until 18:00 with virt-x's start (SWX, 2001-05-15), and soon went back to 17:30 ("Close of
            // trading on SWX and virt-x at 5:30 pm", via Mondo Visione). That notice's effective date was not found;
            // it is put at the start of 2002.
            new HoursChange(new LocalDate(2001, 6, 25), new TradingHours(Open, new LocalTime(18, 0))),
            new HoursChange(new LocalDate(2002, 1, 1), new TradingHours(Open, new LocalTime(17, 30))),
        ],
    };
}
