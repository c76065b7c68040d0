using System;
using Microsoft.Extensions.Logging;

namespace Pipelines.Calendars;

/// <summary>
/// Conditions on the run's logical date against a trading calendar (Airflow's is-trading-session operator). Call them from
/// your own <c>[PipelineTask, Condition]</c> method: when one returns <see langword="false"/>, everything downstream is skipped.
/// </summary>
/// <remarks>
/// The logical date is the session being asked about: a pipeline with <c>Calendar = "XNYS"</c> is only scheduled on
/// sessions, but a run triggered by hand or a backfill over a range can still land on a weekend or holiday. The reason a
/// condition returned <see langword="false"/> (for example <c>2024-07-04 is not a session of XNYS: Independence Day</c>)
/// is written to <see cref="RunContext.Logger"/>, so it is kept with the task.
/// </remarks>
/// <example>
/// <code>
/// [PipelineTask, Condition]
/// public static bool IsMarketDay(RunContext run) => TradingConditions.IsTradingSession(run, "XNYS");
///
/// [PipelineTask, DependsOn(nameof(IsMarketDay))]
/// public Task PlaceOrders(RunContext run) { ... }   // skipped on weekends and NYSE holidays
/// </code>
/// </example>
public static class TradingConditions
{
    private static readonly Action<ILogger, string, string, string, Exception?> s_notASession = LoggerMessage.Define<string, string, string>(
        LogLevel.Information, new EventId(1, "NotATradingSession"), "{Date} is not a session of {Calendar}: {Reason}.");

    private static readonly Action<ILogger, string, string, string, Exception?> s_holiday = LoggerMessage.Define<string, string, string>(
        LogLevel.Information, new EventId(2, "TradingHoliday"), "{Date} is a holiday of {Calendar}: {Holiday}.");

    /// <summary>Whether the run's logical date is a session of the calendar registered as <paramref name="calendarId"/>.</summary>
    /// <param name="run">The run; its <see cref="RunContext.LogicalDate"/> is checked.</param>
    /// <param name="calendarId">A calendar id such as <c>XNYS</c>, <c>CMES</c> or <c>SIFMA_US</c>.</param>
    /// <returns><see langword="true"/> when the exchange trades that day (early-close sessions included).</returns>
    /// <exception cref="UnknownCalendarException">No calendar is registered under <paramref name="calendarId"/>.</exception>
    /// <exception cref="UnsupportedDateException">The logical date is outside the calendar's supported range.</exception>
    public static bool IsTradingSession(RunContext run, string calendarId) => IsTradingSession(run, ExchangeCalendar.Get(calendarId));

    /// <summary>Whether the run's logical date is a session of <paramref name="calendar"/>.</summary>
    /// <param name="run">The run; its <see cref="RunContext.LogicalDate"/> is checked.</param>
    /// <param name="calendar">The calendar, for example one you registered yourself.</param>
    /// <returns><see langword="true"/> when the exchange trades that day (early-close sessions included).</returns>
    /// <exception cref="UnsupportedDateException">The logical date is outside the calendar's supported range.</exception>
    public static bool IsTradingSession(RunContext run, ExchangeCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(calendar);
        var date = run.LogicalDate;
        if (calendar.IsSession(date)) return true;

        var reason = calendar.TryGetHoliday(date, out var holiday) ? holiday : $"a {date.DayOfWeek}";
        s_notASession(run.Logger, DateText.Of(date), calendar.Id, reason, null);
        return false;
    }

    /// <summary>
    /// Whether the run's logical date is a holiday of the calendar registered as <paramref name="calendarId"/>: a weekday
    /// on which the exchange is closed. Weekends are not holidays.
    /// </summary>
    /// <param name="run">The run; its <see cref="RunContext.LogicalDate"/> is checked.</param>
    /// <param name="calendarId">A calendar id such as <c>XNYS</c>.</param>
    /// <returns><see langword="true"/> on a weekday closure such as Thanksgiving or a national day of mourning.</returns>
    /// <exception cref="UnknownCalendarException">No calendar is registered under <paramref name="calendarId"/>.</exception>
    /// <exception cref="UnsupportedDateException">The logical date is outside the calendar's supported range.</exception>
    /// <example>
    /// <code>
    /// // Send the "markets are closed today" notice only on holidays, not every weekend.
    /// [PipelineTask, Condition]
    /// public static bool IsHoliday(RunContext run) => TradingConditions.IsTradingHoliday(run, "XNYS");
    /// </code>
    /// </example>
    public static bool IsTradingHoliday(RunContext run, string calendarId) => IsTradingHoliday(run, ExchangeCalendar.Get(calendarId));

    /// <summary>Whether the run's logical date is a holiday (a weekday closure) of <paramref name="calendar"/>.</summary>
    /// <param name="run">The run; its <see cref="RunContext.LogicalDate"/> is checked.</param>
    /// <param name="calendar">The calendar.</param>
    /// <returns><see langword="true"/> on a weekday closure; <see langword="false"/> on sessions and weekends.</returns>
    /// <exception cref="UnsupportedDateException">The logical date is outside the calendar's supported range.</exception>
    public static bool IsTradingHoliday(RunContext run, ExchangeCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(calendar);
        if (!calendar.TryGetHoliday(run.LogicalDate, out var holiday)) return false;

        s_holiday(run.Logger, DateText.Of(run.LogicalDate), calendar.Id, holiday, null);
        return true;
    }
}
