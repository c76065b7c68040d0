using System;
using System.Runtime.CompilerServices;
using NodaTime;
using Pipelines.Schedules;

namespace Pipelines.Calendars;

/// <summary>
/// A pipeline's time settings resolved once per definition: its time zone, parsed schedule, calendar, session schedule
/// and timetable. The scheduler, the deadline watcher, the dashboard, the health checks and the command line ask this
/// one object instead of each parsing the schedule and looking the zone and calendar up again.
/// </summary>
public sealed class PipelineTimes
{
    private static readonly ConditionalWeakTable<PipelineDefinition, PipelineTimes> s_resolved = new();

    private PipelineTimes(PipelineDefinition pipeline)
    {
        Zone = DateTimeZoneProviders.Tzdb[pipeline.TimeZone];
        Schedule = PipelineSchedule.Parse(pipeline.Schedule);
        Calendar = pipeline.Calendar is { } id ? ExchangeCalendar.Get(id) : null;
        if (Schedule.Session is { } time)
        {
            if (Calendar is null)
                throw new InvalidOperationException($"Pipeline '{pipeline.Id}' has the session schedule '{pipeline.Schedule}' but no Calendar to take the sessions from.");
            Sessions = new SessionSchedule(Calendar, time, Zone);
        }
        Timetable = Sessions is not null || Schedule.Cron is not null ? new PipelineTimetable(Schedule, Sessions, Sessions is null ? Calendar : null, Zone, pipeline.StartDate) : null;
    }

    /// <summary>The times of <paramref name="pipeline"/>, resolved on first use and kept while the definition lives.</summary>
    /// <exception cref="FormatException">The pipeline's schedule text is invalid (the analyzer reports it at build time).</exception>
    /// <exception cref="InvalidOperationException">The schedule is session-relative but the pipeline has no calendar.</exception>
    /// <exception cref="UnknownCalendarException">The pipeline names a calendar that is not registered (nothing is kept, so registering it later works).</exception>
    public static PipelineTimes Of(PipelineDefinition pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return s_resolved.GetValue(pipeline, static p => new PipelineTimes(p));
    }

    /// <summary>The pipeline's time zone.</summary>
    public DateTimeZone Zone { get; }

    /// <summary>The pipeline's schedule, parsed.</summary>
    public PipelineSchedule Schedule { get; }

    /// <summary>The pipeline's calendar, or null.</summary>
    public ExchangeCalendar? Calendar { get; }

    /// <summary>The session schedule of a session-relative pipeline, or null.</summary>
    public SessionSchedule? Sessions { get; }

    /// <summary>When the schedule creates runs, or null for a pipeline only triggered by hand (or <c>@once</c>).</summary>
    public PipelineTimetable? Timetable { get; }
}
