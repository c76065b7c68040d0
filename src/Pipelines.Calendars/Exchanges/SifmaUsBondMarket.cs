using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// SIFMA_US, SIFMA's recommended US bond market (cash Treasuries and other fixed income) schedule:
/// 08:00-17:00 America/New_York, early closes at 14:00.
/// </summary>
/// <remarks>
/// SIFMA publishes recommendations, not rules; the general pattern is encoded here (Good Friday closed; an early
/// close on the session before New Year's Day, Good Friday, Memorial Day, Independence Day and Christmas, and on
/// the day after Thanksgiving). Years that departed from the pattern are one-off entries.
/// </remarks>
internal static class SifmaUsBondMarket
{
    private static readonly LocalTime EarlyClose = new(14, 0);

    public static RuleBasedCalendar Create() => new(
        "SIFMA_US",
        "SIFMA US bond market recommendation",
        DateTimeZoneProviders.Tzdb["America/New_York"],
        new TradingHours(new LocalTime(8, 0), new LocalTime(17, 0)),
        SupportedRange.First,
        SupportedRange.Last,
        [
            UsHolidays.NewYearsDay,
            UsHolidays.MartinLutherKingDay,
            UsHolidays.WashingtonsBirthday,
            UsHolidays.GoodFriday,
            UsHolidays.MemorialDay,
            UsHolidays.Juneteenth,
            UsHolidays.IndependenceDay,
            UsHolidays.LaborDay,
            UsHolidays.ColumbusDay,
            UsHolidays.VeteransDay,
            UsHolidays.ThanksgivingDay,
            UsHolidays.ChristmasDay,
            new OneOffHoliday("September 11 attacks", new LocalDate(2001, 9, 11), new LocalDate(2001, 9, 12)),
            new OneOffHoliday("National Day of Mourning for President Reagan", new LocalDate(2004, 6, 11)),
            new OneOffHoliday("Hurricane Sandy", new LocalDate(2012, 10, 30)),
            new OneOffHoliday("National Day of Mourning for President George H. W. Bush", new LocalDate(2018, 12, 5)),
        ],
        [
            new HolidayEarlyClose(UsHolidays.NewYearsDay, -1, EarlyClose) { Reason = "New Year's Eve" },
            new HolidayEarlyClose(UsHolidays.GoodFriday, -1, EarlyClose),
            new HolidayEarlyClose(UsHolidays.MemorialDay, -1, EarlyClose),
            new HolidayEarlyClose(UsHolidays.IndependenceDay, -1, EarlyClose),
            new HolidayEarlyClose(UsHolidays.ThanksgivingDay, +1, EarlyClose),
            new HolidayEarlyClose(UsHolidays.ChristmasDay, -1, EarlyClose) { Reason = "Christmas Eve" },

            // Good Friday coincided with the monthly employment report: SIFMA recommended trading until noon.
            new OneOffEarlyClose(
                "Good Friday (employment report)",
                new LocalTime(12, 0),
                new LocalDate(2010, 4, 2),
                new LocalDate(2012, 4, 6),
                new LocalDate(2015, 4, 3),
                new LocalDate(2021, 4, 2),
                new LocalDate(2023, 4, 7)) { OverridesHoliday = true },
            new OneOffEarlyClose("National Day of Mourning for President Ford", EarlyClose, new LocalDate(2007, 1, 2)),
            new OneOffEarlyClose("Hurricane Sandy", new LocalTime(12, 0), new LocalDate(2012, 10, 29)),
            new OneOffEarlyClose("National Day of Mourning for President Carter", EarlyClose, new LocalDate(2025, 1, 9)),
        ]);
}
