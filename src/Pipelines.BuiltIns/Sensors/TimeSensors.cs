using System;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// Wait-until sensors (Airflow's <c>TimeSensor</c>): <see langword="true"/> once a time of day on the run's logical date
/// has passed. Call them from your own <c>[PipelineTask, Sensor(...)]</c> method; in the default reschedule mode a waiting
/// sensor holds no worker between pokes. Nothing here reads the system clock: pass an injected <see cref="IClock"/>.
/// </summary>
/// <remarks>
/// <para>
/// A time is always read on the logical date in a named zone, so "09:00 America/New_York" is 14:00 UTC in winter and
/// 13:00 UTC in summer, and a run for an old date is satisfied at once.
/// </para>
/// <para>
/// Local times that do not exist or exist twice on a daylight-saving change day are resolved with NodaTime's lenient
/// resolver (<see cref="DateTimeZone.AtLeniently(LocalDateTime)"/>): a time in the spring-forward gap is moved forward by
/// the length of the gap (02:30 on 2024-03-10 in New York is 03:30 EDT), and an ambiguous time in the autumn overlap is
/// its earlier occurrence (01:30 on 2024-11-03 in New York is 01:30 EDT, 05:30 UTC).
/// </para>
/// </remarks>
/// <example>
/// <code>
/// public sealed partial class LunchBot(IClock clock)
/// {
///     [PipelineTask, Sensor(PokeInterval = "00:01:00", Timeout = "06:00:00")]
///     public bool WaitUntilNine(RunContext run) => TimeSensors.IsPast(run, clock, new LocalTime(9, 0), "America/New_York");
///
///     [PipelineTask, Sensor(PokeInterval = "00:05:00")]
///     public bool HalfAnHourAfterTheClose(RunContext run) =>
///         TimeSensors.IsPastSessionClose(run, clock, ExchangeCalendar.Get("XNYS"), Duration.FromMinutes(30)); // 16:30, or 13:30 on an early close
/// }
/// </code>
/// </example>
public static class TimeSensors
{
    /// <summary>Whether <paramref name="time"/> in the zone <paramref name="timeZoneId"/> on the run's logical date has passed.</summary>
    /// <param name="run">The run; its <see cref="RunContext.LogicalDate"/> is the day.</param>
    /// <param name="clock">The clock to read now from.</param>
    /// <param name="time">The local time of day, such as <c>new LocalTime(9, 0)</c>.</param>
    /// <param name="timeZoneId">An IANA time zone id, such as <c>America/New_York</c>.</param>
    /// <returns><see langword="true"/> from that moment on (inclusive).</returns>
    /// <exception cref="NodaTime.TimeZones.DateTimeZoneNotFoundException"><paramref name="timeZoneId"/> is not a TZDB zone id.</exception>
    public static bool IsPast(RunContext run, IClock clock, LocalTime time, string timeZoneId)
    {
        ArgumentNullException.ThrowIfNull(timeZoneId);
        return IsPast(run, clock, time, DateTimeZoneProviders.Tzdb[timeZoneId]);
    }

    /// <summary>Whether <paramref name="time"/> in <paramref name="zone"/> on the run's logical date has passed.</summary>
    /// <param name="run">The run; its <see cref="RunContext.LogicalDate"/> is the day.</param>
    /// <param name="clock">The clock to read now from.</param>
    /// <param name="time">The local time of day.</param>
    /// <param name="zone">The zone the time is read in.</param>
    /// <returns><see langword="true"/> from that moment on (inclusive).</returns>
    public static bool IsPast(RunContext run, IClock clock, LocalTime time, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(run);
        return IsPast(clock, At(run.LogicalDate, time, zone));
    }

    /// <summary>
    /// The moment <paramref name="time"/> in <paramref name="zone"/> happens on <paramref name="date"/>, resolving
    /// daylight-saving gaps and overlaps leniently (see the remarks on <see cref="TimeSensors"/>).
    /// </summary>
    /// <param name="date">The date.</param>
    /// <param name="time">The local time of day.</param>
    /// <param name="zone">The zone.</param>
    /// <returns>The instant the sensors compare now with.</returns>
    public static Instant At(LocalDate date, LocalTime time, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return zone.AtLeniently(date.At(time)).ToInstant();
    }

    /// <summary>
    /// Whether the close of the session on the run's logical date, plus <paramref name="offset"/>, has passed: "30 minutes
    /// after the close" is 16:30 New York on a regular NYSE session and 13:30 on an early-close day.
    /// </summary>
    /// <param name="run">The run; its <see cref="RunContext.LogicalDate"/> must be a session.</param>
    /// <param name="clock">The clock to read now from.</param>
    /// <param name="calendar">The trading calendar.</param>
    /// <param name="offset">Elapsed time after the close; negative for "before the close".</param>
    /// <returns><see langword="true"/> from that moment on (inclusive).</returns>
    /// <exception cref="NotASessionException">The logical date is not a session; put a
    /// <see cref="TradingConditions.IsTradingSession(RunContext, ExchangeCalendar)"/> condition upstream.</exception>
    public static bool IsPastSessionClose(RunContext run, IClock clock, ExchangeCalendar calendar, Duration offset)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(calendar);
        return IsPast(clock, calendar.SessionClose(run.LogicalDate).ToInstant() + offset);
    }

    /// <summary>Whether the close of the session on the run's logical date, plus <paramref name="offset"/>, has passed.</summary>
    /// <param name="run">The run; its <see cref="RunContext.LogicalDate"/> must be a session.</param>
    /// <param name="clock">The clock to read now from.</param>
    /// <param name="calendarId">A calendar id such as <c>XNYS</c>.</param>
    /// <param name="offset">Elapsed time after the close; negative for "before the close".</param>
    /// <returns><see langword="true"/> from that moment on (inclusive).</returns>
    /// <exception cref="UnknownCalendarException">No calendar is registered under <paramref name="calendarId"/>.</exception>
    /// <exception cref="NotASessionException">The logical date is not a session.</exception>
    public static bool IsPastSessionClose(RunContext run, IClock clock, string calendarId, Duration offset) =>
        IsPastSessionClose(run, clock, ExchangeCalendar.Get(calendarId), offset);

    /// <summary>
    /// Whether the open of the session on the run's logical date, plus <paramref name="offset"/>, has passed: "15 minutes
    /// after the open" is 09:45 New York on an NYSE session (and 17:15 Chicago the evening before on CME Globex).
    /// </summary>
    /// <param name="run">The run; its <see cref="RunContext.LogicalDate"/> must be a session.</param>
    /// <param name="clock">The clock to read now from.</param>
    /// <param name="calendar">The trading calendar.</param>
    /// <param name="offset">Elapsed time after the open; negative for "before the open".</param>
    /// <returns><see langword="true"/> from that moment on (inclusive).</returns>
    /// <exception cref="NotASessionException">The logical date is not a session.</exception>
    public static bool IsPastSessionOpen(RunContext run, IClock clock, ExchangeCalendar calendar, Duration offset)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(calendar);
        return IsPast(clock, calendar.SessionOpen(run.LogicalDate).ToInstant() + offset);
    }

    /// <summary>Whether the open of the session on the run's logical date, plus <paramref name="offset"/>, has passed.</summary>
    /// <param name="run">The run; its <see cref="RunContext.LogicalDate"/> must be a session.</param>
    /// <param name="clock">The clock to read now from.</param>
    /// <param name="calendarId">A calendar id such as <c>XNYS</c>.</param>
    /// <param name="offset">Elapsed time after the open; negative for "before the open".</param>
    /// <returns><see langword="true"/> from that moment on (inclusive).</returns>
    /// <exception cref="UnknownCalendarException">No calendar is registered under <paramref name="calendarId"/>.</exception>
    /// <exception cref="NotASessionException">The logical date is not a session.</exception>
    public static bool IsPastSessionOpen(RunContext run, IClock clock, string calendarId, Duration offset) =>
        IsPastSessionOpen(run, clock, ExchangeCalendar.Get(calendarId), offset);

    private static bool IsPast(IClock clock, Instant target)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return clock.GetCurrentInstant() >= target;
    }
}
