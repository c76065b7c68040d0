using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// IEPA, ICE Futures U.S., America/New_York, modelled on its electronic financial and index futures day (Russell
/// indexes, US dollar index): the session labelled D opens at 20:00 New York time on the calendar day before D and
/// closes at 18:00 on D.
/// </summary>
/// <remarks>
/// <para>
/// Session model, like CMES: one overnight session per trading day, opening on the evening before (Sunday evening for a
/// Monday) and closing at 18:00, the start of the daily maintenance window. Products with shorter days (softs such as
/// sugar, coffee and cocoa trade roughly 03:30-14:00) are not modelled separately.
/// </para>
/// <para>
/// Closed on New Year's Day, Good Friday and Christmas (as observed) and on the days of mourning and emergencies listed
/// below. On the other US holidays the session trades short and halts at 13:00 (ICE Futures U.S. 2025 holiday calendar
/// for the financial and index contracts: closed New Year's Day, Good Friday and Christmas, early closes on Martin Luther
/// King Jr. Day, Presidents Day, Memorial Day, Juneteenth, Independence Day, Labor Day and Thanksgiving, open on Columbus
/// and Veterans Day; the 13:00 time is exchange_calendars'). Supported from 2007, when NYBOT became ICE Futures U.S. and its markets moved to the ICE platform; before that
/// the products traded in open outcry with hours of their own.
/// </para>
/// </remarks>
internal static class IceFuturesUs
{
    private static readonly LocalTime HolidayHalt = new(13, 0);

    public static RuleBasedCalendar Create() => new(
        "IEPA",
        "ICE Futures U.S.",
        DateTimeZoneProviders.Tzdb["America/New_York"],
        new TradingHours(new LocalTime(20, 0), new LocalTime(18, 0)) { OpensPreviousDay = true },
        new LocalDate(2007, 1, 1),
        SupportedRange.Last,
        [
            UsHolidays.NewYearsDay,
            UsHolidays.GoodFriday,
            UsHolidays.ChristmasDay,
            new OneOffHoliday("National Day of Mourning for President Ford", new LocalDate(2007, 1, 2)),

            // ICE was closed on the first day of the Hurricane Sandy closings only (exchange_calendars).
            new OneOffHoliday("Hurricane Sandy", new LocalDate(2012, 10, 29)),

            // As exchange_calendars has it; not checked against an ICE notice. For President Carter's day of mourning
            // (2025-01-09) ICE Futures U.S. stayed open with a moment of silence and early closes in some products
            // (SIFMA's unscheduled-close matrix), so that day is a regular session here.
            new OneOffHoliday("National Day of Mourning for President George H. W. Bush", new LocalDate(2018, 12, 5)),
        ],
        [
            new HolidayEarlyClose(UsHolidays.MartinLutherKingDay, 0, HolidayHalt),
            new HolidayEarlyClose(UsHolidays.WashingtonsBirthday, 0, HolidayHalt),
            new HolidayEarlyClose(UsHolidays.MemorialDay, 0, HolidayHalt),

            // Juneteenth like the other US holidays from 2022 (ICE Futures U.S. 2025 holiday calendar: currency, stock index
            // and SOFR contracts open with an early close on June 19).
            new HolidayEarlyClose(UsHolidays.Juneteenth, 0, HolidayHalt),
            new HolidayEarlyClose(UsHolidays.IndependenceDay, 0, HolidayHalt),
            new HolidayEarlyClose(UsHolidays.LaborDay, 0, HolidayHalt),
            new HolidayEarlyClose(UsHolidays.ThanksgivingDay, 0, HolidayHalt),
        ]);
}
