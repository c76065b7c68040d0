using System;
using NodaTime;
using Pipelines.Schedules;

namespace Pipelines.Calendars;

/// <summary>
/// When a run (or one task of it) must be finished, for each logical date: a pipeline's or task's
/// <see cref="PipelineDeadline"/> resolved in the pipeline's time zone and, for a session-relative deadline, on the
/// pipeline's calendar. The deadline watcher, the dashboard, the command line and the health check all ask this one
/// object, so they agree on the instant.
/// </summary>
/// <example>
/// <code>
/// var deadline = new DeadlineSchedule(PipelineDeadline.Parse("@session_close+01:00")!, zone, ExchangeCalendar.Get("XNYS"));
/// deadline.For(new LocalDate(2024, 11, 29));   // 14:00 New York: an hour after that day's early close
/// </code>
/// </example>
/// <remarks>
/// A time-of-day deadline (<c>06:30</c>) is the first such time after the run's data interval ends, read leniently in
/// the zone (a time a spring-forward skips moves later by the gap): a 04:00 cron run is due at 06:30 the same morning,
/// an <c>@after_session 04:00</c> run of a Friday session on Saturday at 06:30, and a manual run (whose interval is its
/// logical date's day) at 06:30 the day after; without an interval, the day after the logical date. A session-relative deadline is elapsed time from the logical date's open, close or break,
/// so it follows early closes; a logical date that is not a session (a manual run on a holiday), a break anchor on a
/// session without a break, or a date outside the calendar's range has no deadline.
/// </remarks>
public sealed class DeadlineSchedule
{
    private readonly SessionSchedule? _sessions;

    /// <summary>Creates the schedule of one deadline.</summary>
    /// <param name="deadline">The parsed deadline.</param>
    /// <param name="zone">The pipeline's time zone.</param>
    /// <param name="calendar">The pipeline's calendar; required for a session-relative deadline.</param>
    /// <exception cref="InvalidOperationException">The deadline is session-relative and <paramref name="calendar"/> is null.</exception>
    public DeadlineSchedule(PipelineDeadline deadline, DateTimeZone zone, ExchangeCalendar? calendar)
    {
        ArgumentNullException.ThrowIfNull(deadline);
        ArgumentNullException.ThrowIfNull(zone);
        if (deadline.IsSessionRelative && calendar is null)
            throw new InvalidOperationException($"Deadline '{deadline.Text}' is relative to a session, so its pipeline needs a Calendar.");
        Deadline = deadline;
        Zone = zone;
        Calendar = calendar;
        _sessions = deadline.IsSessionRelative ? new SessionSchedule(calendar!, deadline.Time, zone) : null;
    }

    /// <summary>The deadline as parsed.</summary>
    public PipelineDeadline Deadline { get; }

    /// <summary>The pipeline's time zone.</summary>
    public DateTimeZone Zone { get; }

    /// <summary>The pipeline's calendar, or null.</summary>
    public ExchangeCalendar? Calendar { get; }

    /// <summary>The run deadline of <paramref name="pipeline"/>, or null when it has none.</summary>
    /// <exception cref="FormatException">The deadline text is invalid (the analyzer reports it at build time).</exception>
    /// <exception cref="UnknownCalendarException">The pipeline's calendar is not registered.</exception>
    public static DeadlineSchedule? For(PipelineDefinition pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return Of(pipeline, pipeline.Deadline);
    }

    /// <summary>The deadline of one task of <paramref name="pipeline"/>, or null when it has none.</summary>
    public static DeadlineSchedule? For(PipelineDefinition pipeline, TaskDefinition task)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(task);
        return Of(pipeline, task.Deadline);
    }

    /// <summary>
    /// The instant the deadline falls for the run of <paramref name="logicalDate"/> whose data interval ends at
    /// <paramref name="dataIntervalEnd"/> (a scheduled run's firing time), or null when that date has none (see the remarks).
    /// </summary>
    public Instant? For(LocalDate logicalDate, Instant? dataIntervalEnd = null)
    {
        if (_sessions is null) return dataIntervalEnd is { } end ? Deadline.FirstAfter(end, Zone) : Deadline.OnDayAfter(logicalDate, Zone);
        var calendar = _sessions.Calendar;
        if (logicalDate < calendar.FirstSupportedDate || logicalDate > calendar.LastSupportedDate) return null;
        if (!calendar.IsSession(logicalDate) || !_sessions.Fires(logicalDate)) return null;
        return _sessions.FireTime(logicalDate);
    }

    /// <inheritdoc />
    public override string ToString() => Deadline.Text;

    private static DeadlineSchedule? Of(PipelineDefinition pipeline, string? text)
    {
        if (PipelineDeadline.Parse(text) is not { } deadline) return null;
        var times = PipelineTimes.Of(pipeline);
        return new DeadlineSchedule(deadline, times.Zone, times.Calendar);
    }
}
