using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// XNYS, the New York Stock Exchange: 09:30-16:00 America/New_York, early closes at 13:00 (14:00 before 1993).
/// </summary>
/// <remarks>
/// Holidays and early closes follow NYSE's published rules and its history of closings. Of the unscheduled late
/// openings only the blizzard of 1996-01-08 is recorded; brief delays of minutes are not.
/// </remarks>
internal static class NewYorkStockExchange
{
    private static readonly LocalTime EarlyClose = new(13, 0);
    private static readonly LocalTime EarlyCloseBefore1993 = new(14, 0);
    private static readonly IsoDayOfWeek[] MondayToThursday = [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday];

    public static RuleBasedCalendar Create() => new(
        "XNYS",
        "New York Stock Exchange",
        DateTimeZoneProviders.Tzdb["America/New_York"],
        new TradingHours(new LocalTime(9, 30), new LocalTime(16, 0)),
        SupportedRange.First,
        SupportedRange.Last,
        [
            UsHolidays.NewYearsDay,
            UsHolidays.MartinLutherKingDay with { FirstYear = 1998 },
            UsHolidays.WashingtonsBirthday,
            UsHolidays.GoodFriday,
            UsHolidays.MemorialDay,
            UsHolidays.Juneteenth,
            UsHolidays.IndependenceDay,
            UsHolidays.LaborDay,
            UsHolidays.ThanksgivingDay,
            UsHolidays.ChristmasDay,
            new OneOffHoliday("National Day of Mourning for President Nixon", new LocalDate(1994, 4, 27)),
            new OneOffHoliday("September 11 attacks", new LocalDate(2001, 9, 11), new LocalDate(2001, 9, 12), new LocalDate(2001, 9, 13), new LocalDate(2001, 9, 14)),
            new OneOffHoliday("National Day of Mourning for President Reagan", new LocalDate(2004, 6, 11)),
            new OneOffHoliday("National Day of Mourning for President Ford", new LocalDate(2007, 1, 2)),
            new OneOffHoliday("Hurricane Sandy", new LocalDate(2012, 10, 29), new LocalDate(2012, 10, 30)),
            new OneOffHoliday("National Day of Mourning for President George H. W. Bush", new LocalDate(2018, 12, 5)),
            new OneOffHoliday("National Day of Mourning for President Carter", new LocalDate(2025, 1, 9)),
        ],
        [
            // NYSE first shortened the day after Thanksgiving in 1992.
            new HolidayEarlyClose(UsHolidays.ThanksgivingDay, +1, EarlyCloseBefore1993) { FirstYear = 1992, LastYear = 1992 },
            new HolidayEarlyClose(UsHolidays.ThanksgivingDay, +1, EarlyClose) { FirstYear = 1993 },

            // Christmas Eve on a Friday is itself the observed Christmas holiday, so only Monday-Thursday can be shortened.
            new FixedDateEarlyClose("Christmas Eve", 12, 24, EarlyCloseBefore1993) { DaysOfWeek = MondayToThursday, LastYear = 1992 },
            new FixedDateEarlyClose("Christmas Eve", 12, 24, EarlyClose) { DaysOfWeek = MondayToThursday, FirstYear = 1993 },

            // Around Independence Day: July 3 from 1995, except that until 2012 a Thursday July 4 shortened
            // Friday July 5 instead of Wednesday July 3.
            new FixedDateEarlyClose("Day before Independence Day", 7, 3, EarlyClose) { DaysOfWeek = [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Thursday], FirstYear = 1995 },
            new FixedDateEarlyClose("Day before Independence Day", 7, 3, EarlyClose) { DaysOfWeek = [IsoDayOfWeek.Wednesday], FirstYear = 2013 },
            new FixedDateEarlyClose("Day after Independence Day", 7, 5, EarlyClose) { DaysOfWeek = [IsoDayOfWeek.Friday], FirstYear = 1996, LastYear = 2012 },

            new OneOffEarlyClose("Day after Christmas", EarlyClose, new LocalDate(1997, 12, 26), new LocalDate(2003, 12, 26)),
            new OneOffEarlyClose("Snowstorm", new LocalTime(14, 30), new LocalDate(1994, 2, 11)),
            // The blizzard of 1996: NYSE, AMEX and Nasdaq opened at 11:00 and closed at 14:00 (AP, "Blizzard Shuts Down
            // Big Apple", 1996-01-08); the late open is in LateOpenRules below.
            new OneOffEarlyClose("Snowstorm", new LocalTime(14, 0), new LocalDate(1996, 1, 8)),

            // Y2K: the board approved a 13:00 close on 1999-12-31 at its April 1999 meeting (NYSE announcement of
            // 1999-04-06, "NYSE defers off-hours trading until second half 2000").
            new OneOffEarlyClose("Year 2000 changeover", EarlyClose, new LocalDate(1999, 12, 31)),
            new OneOffEarlyClose("Market-wide circuit breaker", new LocalTime(15, 30), new LocalDate(1997, 10, 27)),
            new OneOffEarlyClose("Systems communication problem", new LocalTime(15, 56), new LocalDate(2005, 6, 1)),
        ])
    {
        LateOpenRules =
        [
            new OneOffLateOpen("Snowstorm", new LocalTime(11, 0), new LocalDate(1996, 1, 8)),
        ],
    };
}
