using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// XTKS, the Tokyo Stock Exchange cash equity market, Asia/Tokyo: a morning session from 09:00 and an afternoon
/// session from 12:30 to 15:30 (15:00 before 2024-11-05), with the lunch break from 11:30 (11:00 before 2011-11-21).
/// </summary>
/// <remarks>
/// Holidays are Japan's national holidays with their substitute and citizens' holidays, plus the exchange's own
/// year-end closure December 31 to January 3 (JPX, "Market holidays"). Until 2008 the first and last sessions of the
/// year traded the morning only.
/// </remarks>
internal static class TokyoStockExchange
{
    private static readonly LocalTime Open = new(9, 0);
    private static readonly LocalTime AfternoonOpen = new(12, 30);
    private static readonly LocalTime MorningCloseBefore2011 = new(11, 0);

    public static RuleBasedCalendar Create() => new(
        "XTKS",
        "Tokyo Stock Exchange",
        DateTimeZoneProviders.Tzdb["Asia/Tokyo"],
        new TradingHours(Open, new LocalTime(15, 0)) { BreakStart = MorningCloseBefore2011, BreakEnd = AfternoonOpen },
        SupportedRange.First,
        SupportedRange.Last,
        [
            ..JapaneseHolidays.National,
            JapaneseHolidays.Substitute,
            JapaneseHolidays.Citizens,

            // The exchange's year-end and New Year closure, whatever the weekday (JPX market holidays; since 1989, when
            // Saturday trading ended).
            new FixedDateHoliday("Year-end holiday", 12, 31),
            new FixedDateHoliday("New Year holiday", 1, 2),
            new FixedDateHoliday("New Year holiday", 1, 3),

            // arrowhead's hardware failure stopped all trading for the whole day (JPX, 2020-10-01).
            new OneOffHoliday("Trading system failure", new LocalDate(2020, 10, 1)),
        ],
        [
            // Dai-hakkai and Dai-nōkai were morning-only until the last session of 2008 and the first of 2009; from
            // 2009-12-30 both trade the full day (TSE, for the next-generation trading system).
            new YearEdgeEarlyClose("First trading day of the year (morning only)", Last: false, MorningCloseBefore2011) { LastYear = 2009 },
            new YearEdgeEarlyClose("Last trading day of the year (morning only)", Last: true, MorningCloseBefore2011) { LastYear = 2008 },
        ])
    {
        HoursChanges =
        [
            // The morning session was extended by 30 minutes, shortening lunch to an hour (TSE, November 2010 notice).
            new HoursChange(new LocalDate(2011, 11, 21), new TradingHours(Open, new LocalTime(15, 0)) { BreakStart = new LocalTime(11, 30), BreakEnd = AfternoonOpen }),

            // arrowhead4.0: the afternoon session closes at 15:30, the first extension since 1954 (JPX; Asahi, 2024-11-05).
            new HoursChange(new LocalDate(2024, 11, 5), new TradingHours(Open, new LocalTime(15, 30)) { BreakStart = new LocalTime(11, 30), BreakEnd = AfternoonOpen }),
        ],
    };
}
