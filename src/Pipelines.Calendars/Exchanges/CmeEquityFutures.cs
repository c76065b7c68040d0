using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// CMES, CME Globex equity index futures (E-mini S&amp;P 500 and the like), in America/Chicago.
/// </summary>
/// <remarks>
/// <para>
/// Session model: the session labelled D opens at 17:00 Chicago time on the calendar day before D (Sunday evening
/// for a Monday session, and the evening of a holiday for the session after it) and closes at 16:00 Chicago time
/// on D, the start of the daily maintenance break. In New York time that is 18:00 the evening before to 17:00.
/// </para>
/// <para>
/// New Year's Day, Good Friday and Christmas (as observed) are full closures. On the other US exchange holidays
/// (Martin Luther King Jr. Day, Washington's Birthday, Memorial Day, Juneteenth, Independence Day, Labor Day,
/// Thanksgiving) Globex trades a shortened session that halts at 12:00 Chicago (13:00 New York); the next session
/// opens at 17:00 Chicago that evening. On the days NYSE closes early (day after Thanksgiving, Christmas Eve,
/// around Independence Day) equity futures close at 12:15 Chicago.
/// </para>
/// <para>
/// Unscheduled changes are only partly recorded: CME's shortened or halted sessions on other NYSE closures
/// (September 11, Hurricane Sandy, days of mourning other than President Ford's) are not modelled.
/// </para>
/// </remarks>
internal static class CmeEquityFutures
{
    private static readonly LocalTime HolidayHalt = new(12, 0);
    private static readonly LocalTime EarlyClose = new(12, 15);
    private static readonly IsoDayOfWeek[] MondayToThursday = [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday];

    public static RuleBasedCalendar Create() => new(
        "CMES",
        "CME Globex equity futures",
        DateTimeZoneProviders.Tzdb["America/Chicago"],
        new TradingHours(new LocalTime(17, 0), new LocalTime(16, 0)) { OpensPreviousDay = true },
        SupportedRange.First,
        SupportedRange.Last,
        [
            UsHolidays.NewYearsDay,
            UsHolidays.GoodFriday,
            UsHolidays.ChristmasDay,
            new OneOffHoliday("National Day of Mourning for President Ford", new LocalDate(2007, 1, 2)),
        ],
        [
            new HolidayEarlyClose(UsHolidays.MartinLutherKingDay with { FirstYear = 1998 }, 0, HolidayHalt),
            new HolidayEarlyClose(UsHolidays.WashingtonsBirthday, 0, HolidayHalt),
            new HolidayEarlyClose(UsHolidays.MemorialDay, 0, HolidayHalt),
            new HolidayEarlyClose(UsHolidays.Juneteenth, 0, HolidayHalt),
            new HolidayEarlyClose(UsHolidays.IndependenceDay, 0, HolidayHalt),
            new HolidayEarlyClose(UsHolidays.LaborDay, 0, HolidayHalt),
            new HolidayEarlyClose(UsHolidays.ThanksgivingDay, 0, HolidayHalt),

            new HolidayEarlyClose(UsHolidays.ThanksgivingDay, +1, EarlyClose) { FirstYear = 1992 },
            new FixedDateEarlyClose("Christmas Eve", 12, 24, EarlyClose) { DaysOfWeek = MondayToThursday },
            new FixedDateEarlyClose("Day before Independence Day", 7, 3, EarlyClose) { DaysOfWeek = [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Thursday], FirstYear = 1995 },
            new FixedDateEarlyClose("Day before Independence Day", 7, 3, EarlyClose) { DaysOfWeek = [IsoDayOfWeek.Wednesday], FirstYear = 2013 },
            new FixedDateEarlyClose("Day after Independence Day", 7, 5, EarlyClose) { DaysOfWeek = [IsoDayOfWeek.Friday], FirstYear = 1996, LastYear = 2012 },
        ]);
}
