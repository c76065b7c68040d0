using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// XETR, Deutsche Börse's electronic cash market Xetra, Europe/Berlin: continuous trading 09:00-17:30 since
/// 2003-11-03, from its first session on 1997-11-28. The last session of the year closes at 14:00.
/// </summary>
/// <remarks>
/// Xetra does not follow the German public holidays one for one: it trades on Ascension Day and Corpus Christi, and
/// on Whit Monday and German Unity Day in most years, but closes on Christmas Eve and New Year's Eve, which are not
/// public holidays. Only continuous trading is modelled: the auctions, the Frankfurt floor (XFRA) and the extended
/// retail hours are not.
/// </remarks>
internal static class Xetra
{
    private static readonly LocalTime Open = new(9, 0);

    // Xetra's own first trading day (Deutsche Börse); the floor and IBIS before it are other markets.
    private static readonly LocalDate FirstSession = new(1997, 11, 28);

    public static RuleBasedCalendar Create() => new(
        "XETR",
        "Xetra (Deutsche Börse)",
        DateTimeZoneProviders.Tzdb["Europe/Berlin"],
        // At launch Xetra kept the floor's 08:30-17:00 (manager magazin, 1999, on the move to 09:00-17:30).
        new TradingHours(new LocalTime(8, 30), new LocalTime(17, 0)),
        FirstSession,
        SupportedRange.Last,
        [
            new FixedDateHoliday("New Year's Day", 1, 1),
            new EasterOffsetHoliday("Good Friday", -2),
            new EasterOffsetHoliday("Easter Monday", +1),
            new FixedDateHoliday("Labour Day", 5, 1),

            // Until 1999 the German exchanges closed on these public holidays; "since the start of 2000" Ascension,
            // Whit Monday, Corpus Christi and German Unity Day are the four on which Deutsche Börse trades
            // (Handelsblatt, 2008; Handelsblatt, 2000: "this year trading already took place on Ascension, Whit Monday
            // and Corpus Christi").
            new EasterOffsetHoliday("Ascension Day", +39) { LastYear = 1999 },
            new EasterOffsetHoliday("Corpus Christi", +60) { LastYear = 1999 },

            // Whit Monday: closed until 1999; traded from 2000, except 2007, when it fell on Memorial Day and Xetra
            // closed with Wall Street (Handelsblatt, 2008); closed again 2015-2021 (Xetra notices as reproduced by
            // banks: no trading on 2020-06-01; 2016-05-16 on Deutsche Börse's 2016 calendar; 2021-05-24 on the 2021
            // list) and a trading day from 2022 (exchange_calendars, "in 2022 regular trading took place"). The 2015
            // start is exchange_calendars' and not checked against a notice here.
            new EasterOffsetHoliday("Whit Monday", +50) { LastYear = 1999 },
            new EasterOffsetHoliday("Whit Monday", +50) { FirstYear = 2015, LastYear = 2021 },
            new OneOffHoliday("Whit Monday (US Memorial Day)", new LocalDate(2007, 5, 28)),

            // German Unity Day: closed until 1999; a trading day from 2000 except its tenth anniversary, 2000-10-03
            // ("the special significance of the day"; Deutsche Börse and Eurex, Handelsblatt, 2000); closed 2014-2021
            // (2016-10-03 on Deutsche Börse's 2016 calendar) and traded again from 2022 (Deutsche Börse's 2022-10-03
            // trading-times notice; Morningstar, 2024). The 2014 start is exchange_calendars' and not checked here.
            new FixedDateHoliday("Day of German Unity", 10, 3) { LastYear = 1999 },
            new OneOffHoliday("Day of German Unity (10th anniversary)", new LocalDate(2000, 10, 3)),
            new FixedDateHoliday("Day of German Unity", 10, 3) { FirstYear = 2014, LastYear = 2021 },

            // The 500th anniversary of the Reformation was a one-time national public holiday.
            new OneOffHoliday("Reformation Day (500th anniversary)", new LocalDate(2017, 10, 31)),

            // Christmas Eve and New Year's Eve are settlement days without trading (Deutsche Börse, as reported for
            // 2025 by finanznachrichten and ariva).
            new FixedDateHoliday("Christmas Eve", 12, 24),
            new FixedDateHoliday("Christmas Day", 12, 25),
            new FixedDateHoliday("Boxing Day", 12, 26),
            new FixedDateHoliday("New Year's Eve", 12, 31),
        ],
        [
            // The year's last session (the "Jahresschlussbörse") closes with a closing auction called at 14:00:
            // 2005-12-30 (dpa-AFX), 2012-12-28 (Börse Frankfurt), 2020-12-30 (bank notice) and 2025-12-30 (ariva). On
            // 2000-12-29 Xetra took orders "until about 13:50" and post-trading ended at 14:30 (bank notice of
            // 2000-12-23), and 2003's last day was "shortened" (Die Welt). exchange_calendars starts the rule in 2010;
            // these notices put it in 2000 already. 1997-1999 are not checked and keep the regular close.
            new YearEdgeEarlyClose("Last trading day of the year", Last: true, new LocalTime(14, 0)) { FirstYear = 2000 },
        ])
    {
        HoursChanges =
        [
            // European harmonisation of hours: Xetra moved half an hour later (Deutsche Börse; manager magazin, 1999).
            new HoursChange(new LocalDate(1999, 9, 20), new TradingHours(Open, new LocalTime(17, 30))),

            // Trading until 20:00 "from 2 June" (dpa-AFX, 2000-02-11, on the German exchanges' agreement; DW: "introduced in June 2000").
            new HoursChange(new LocalDate(2000, 6, 2), new TradingHours(Open, new LocalTime(20, 0))),

            // Back to 17:30 "on Monday for the first time" (stern and finanzen.net, 2003-11-03).
            new HoursChange(new LocalDate(2003, 11, 3), new TradingHours(Open, new LocalTime(17, 30))),
        ],
    };
}
