using System;
using NodaTime;
using Pipelines.Schedules;

namespace Pipelines.Calendars;

/// <summary>
/// When a pipeline's schedule creates runs: cron occurrences in the pipeline's time zone (on calendar sessions only when
/// it has a calendar), or the firings of a session-relative schedule, never before its start date. The scheduler, the
/// latest-only condition, the command line and the dashboard all ask this one object, so they agree.
/// </summary>
public sealed class PipelineTimetable
{
    private const int MaxSkippedOccurrences = 10_000;

    private readonly PipelineSchedule _schedule;
    private readonly SessionSchedule? _sessions;
    private readonly ExchangeCalendar? _calendar;
    private readonly LocalDate? _startDate;

    internal PipelineTimetable(PipelineSchedule schedule, SessionSchedule? sessions, ExchangeCalendar? calendar, DateTimeZone zone, LocalDate? startDate)
    {
        _schedule = schedule;
        _sessions = sessions;
        _calendar = calendar;
        Zone = zone;
        _startDate = startDate;
    }

    /// <summary>The pipeline's time zone.</summary>
    public DateTimeZone Zone { get; }

    /// <summary>The timetable of <paramref name="pipeline"/>, or null when it only runs when triggered (or <c>@once</c>).</summary>
    /// <exception cref="UnknownCalendarException">The pipeline names a calendar that is not registered.</exception>
    public static PipelineTimetable? For(PipelineDefinition pipeline) => PipelineTimes.Of(pipeline).Timetable;

    /// <summary>
    /// The first occurrence strictly after <paramref name="after"/>, or null when there is none (past a calendar's
    /// supported range). A session firing's data interval starts at the previous session's firing; a cron occurrence's at
    /// <paramref name="after"/>, which is the previous occurrence when walking the timetable.
    /// </summary>
    public SessionOccurrence? NextAfter(Instant after)
    {
        if (_sessions is not null)
        {
            for (var next = _sessions.NextAfter(after); next is { } o; next = _sessions.NextAfter(o.At))
                if (_startDate is not { } start || o.Session >= start) return o;
            return null;
        }

        var cursor = after;
        for (var skipped = 0; skipped < MaxSkippedOccurrences; skipped++)
        {
            if (_schedule.NextAfter(cursor, Zone) is not { } at) return null;
            cursor = at;
            var date = at.InZone(Zone).Date;
            if (_startDate is { } start && date < start) continue;
            if (_calendar is not null)
            {
                if (date > _calendar.LastSupportedDate) return null;
                if (date >= _calendar.FirstSupportedDate && !_calendar.IsSession(date)) continue;
            }
            return new SessionOccurrence(date, at, new Interval(after, at));
        }
        return null;
    }
}
