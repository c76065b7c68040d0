using System;
using System.Collections.Generic;
using System.Linq;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// The simplest user calendar: weekdays are sessions with the same hours, except a list of holiday dates.
/// Use it for a company holiday list, then <see cref="ExchangeCalendar.Register"/> it.
/// </summary>
/// <remarks>
/// Unless given, the supported range runs from January 1 of the earliest holiday's year through December 31 of the
/// latest holiday's year, because the calendar knows nothing about years its list does not cover.
/// </remarks>
/// <example>
/// <code>
/// var office = new HolidayCalendar(
///     "ACME_OFFICE", "Acme office days", DateTimeZoneProviders.Tzdb["America/Chicago"],
///     new LocalTime(8, 0), new LocalTime(18, 0),
///     [new Holiday(new LocalDate(2025, 12, 25), "Christmas"), new Holiday(new LocalDate(2025, 12, 26), "Company day")]);
/// ExchangeCalendar.Register(office);
/// </code>
/// </example>
public class HolidayCalendar : RuleBasedCalendar
{
    /// <summary>Creates a calendar from a list of holidays.</summary>
    /// <param name="id">The registry id.</param>
    /// <param name="name">A human-readable name.</param>
    /// <param name="zone">The zone the hours are in.</param>
    /// <param name="open">The local opening time of every session.</param>
    /// <param name="close">The local closing time of every session.</param>
    /// <param name="holidays">The closed weekdays, each with a name. Must not be empty unless both range ends are given.</param>
    /// <param name="firstSupportedDate">The first supported date; defaults to January 1 of the earliest holiday's year.</param>
    /// <param name="lastSupportedDate">The last supported date; defaults to December 31 of the latest holiday's year.</param>
    public HolidayCalendar(
        string id,
        string name,
        DateTimeZone zone,
        LocalTime open,
        LocalTime close,
        IEnumerable<Holiday> holidays,
        LocalDate? firstSupportedDate = null,
        LocalDate? lastSupportedDate = null)
        : this(id, name, zone, open, close, Materialize(holidays), firstSupportedDate, lastSupportedDate)
    {
    }

    private HolidayCalendar(
        string id,
        string name,
        DateTimeZone zone,
        LocalTime open,
        LocalTime close,
        Holiday[] holidays,
        LocalDate? firstSupportedDate,
        LocalDate? lastSupportedDate)
        : base(
            id,
            name,
            zone,
            new TradingHours(open, close),
            firstSupportedDate ?? new LocalDate(EarliestYear(id, holidays), 1, 1),
            lastSupportedDate ?? new LocalDate(LatestYear(id, holidays), 12, 31),
            holidays.Select(holiday => new OneOffHoliday(holiday.Name, holiday.Date)),
            [])
    {
    }

    private static Holiday[] Materialize(IEnumerable<Holiday> holidays)
    {
        ArgumentNullException.ThrowIfNull(holidays);
        return holidays.ToArray();
    }

    private static int EarliestYear(string id, Holiday[] holidays) =>
        holidays.Length > 0 ? holidays.Min(h => h.Date.Year) : throw EmptyWithoutRange(id);

    private static int LatestYear(string id, Holiday[] holidays) =>
        holidays.Length > 0 ? holidays.Max(h => h.Date.Year) : throw EmptyWithoutRange(id);

    private static ArgumentException EmptyWithoutRange(string id) =>
        new($"Calendar '{id}' has no holidays, so its supported range cannot be inferred; pass firstSupportedDate and lastSupportedDate.", "holidays");
}
