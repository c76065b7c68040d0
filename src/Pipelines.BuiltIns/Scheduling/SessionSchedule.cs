using System;
using NodaTime;
using Pipelines.Schedules;

namespace Pipelines.Calendars;

/// <summary>
/// The firings of a session-relative schedule on a calendar: one per session, at the open or close plus an offset
/// (<c>@session_close+00:30</c>), at the start or end of the midday break plus an offset (<c>@break_start</c>, one per
/// session that has a break), or at a time of day on the calendar day after the session (<c>@after_session 04:00</c>).
/// The scheduler, <see cref="RunConditions"/> and the command line all ask this class for the next firing.
/// </summary>
/// <example>
/// <code>
/// var schedule = new SessionSchedule(ExchangeCalendar.Get("XNYS"), PipelineSchedule.Parse("@session_close+00:30").Session!, zone);
/// schedule.FireTime(new LocalDate(2024, 11, 29));   // 2024-11-29 13:30 New York: 30 minutes after the early close
/// </code>
/// </example>
/// <remarks>
/// Open and close offsets are elapsed time from the session's open or close instant, so "30 minutes after the close" is
/// 16:30 New York in winter and in summer alike (21:30Z and 20:30Z). An <see cref="SessionAnchor.After"/> time is read in
/// the pipeline's time zone on the day after the session's date, whatever that day is: a Friday session fires on Saturday
/// morning and the session before Thanksgiving on Thanksgiving morning, because the data of the session is ready then. A
/// time that a daylight-saving change skips fires at the same offset after the gap, as <see cref="DateTimeZone.AtLeniently"/> does.
/// </remarks>
public sealed class SessionSchedule
{
    // A break-anchored schedule's data interval reaches back over sessions without a break (Hong Kong's half days come
    // at most two in a row); a calendar with no breaks at all stops looking after this many sessions.
    private const int BreakLookBackSessions = 10;

    // Firings lie within a day of the open or close, or on the day after the session in a zone at most ~26 h away from
    // the exchange's, so a session more than this many days before an instant's local date fires before it.
    private const int LookBackDays = 5;

    /// <summary>Creates the schedule.</summary>
    /// <param name="calendar">The calendar whose sessions the schedule follows.</param>
    /// <param name="time">When in each session it fires.</param>
    /// <param name="zone">The pipeline's time zone, in which an <see cref="SessionAnchor.After"/> time of day is read.</param>
    public SessionSchedule(ExchangeCalendar calendar, SessionTime time, DateTimeZone zone)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(zone);
        Calendar = calendar;
        Time = time;
        Zone = zone;
    }

    /// <summary>The calendar whose sessions the schedule follows.</summary>
    public ExchangeCalendar Calendar { get; }

    /// <summary>When in each session the schedule fires.</summary>
    public SessionTime Time { get; }

    /// <summary>The pipeline's time zone.</summary>
    public DateTimeZone Zone { get; }

    /// <summary>
    /// The session schedule of <paramref name="pipeline"/>, or <see langword="null"/> when its schedule is not
    /// session-relative (manual, <c>@once</c> or cron).
    /// </summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <returns>The schedule on the pipeline's calendar, in the pipeline's time zone.</returns>
    /// <exception cref="FormatException">The pipeline's schedule text is invalid.</exception>
    /// <exception cref="InvalidOperationException">The schedule is session-relative but the pipeline has no calendar (PIPE025 at build time).</exception>
    /// <exception cref="UnknownCalendarException">The pipeline's calendar is not registered.</exception>
    public static SessionSchedule? For(PipelineDefinition pipeline) => PipelineTimes.Of(pipeline).Sessions;

    /// <summary>When the schedule fires for <paramref name="session"/>.</summary>
    /// <param name="session">A session of <see cref="Calendar"/>.</param>
    /// <returns>The firing instant.</returns>
    /// <exception cref="NotASessionException"><paramref name="session"/> is not a session.</exception>
    /// <exception cref="UnsupportedDateException"><paramref name="session"/> is outside the calendar's supported range.</exception>
    /// <exception cref="InvalidOperationException">The schedule is anchored on the break and <paramref name="session"/> has none (see <see cref="Fires"/>).</exception>
    public Instant FireTime(LocalDate session) => FireTimeOrNull(session)
        ?? throw new InvalidOperationException(
            $"Session {DateText.Of(session)} of {Calendar.Id} has no midday break, so '{Time}' does not fire for it.");

    /// <summary>
    /// Whether the schedule fires for <paramref name="session"/>: always, except that a break-anchored schedule skips
    /// sessions without a break (Hong Kong's half days; every session of a calendar without breaks).
    /// </summary>
    /// <param name="session">A session of <see cref="Calendar"/>.</param>
    /// <returns><see langword="true"/> when <see cref="FireTime"/> has an answer for it.</returns>
    /// <exception cref="NotASessionException"><paramref name="session"/> is not a session.</exception>
    public bool Fires(LocalDate session) => FireTimeOrNull(session) is not null;

    /// <summary>The first firing strictly after <paramref name="after"/>, or <see langword="null"/> past the calendar's supported range.</summary>
    /// <param name="after">The moment to look after, such as the last tick or a run's data interval end.</param>
    /// <returns>The firing, with its session and data interval.</returns>
    public SessionOccurrence? NextAfter(Instant after)
    {
        if (Time.Anchor is SessionAnchor.BreakStart or SessionAnchor.BreakEnd && !Calendar.MayHaveBreaks) return null;
        var date = after.InZone(Calendar.Zone).Date.PlusDays(-LookBackDays);
        if (date > Calendar.LastSupportedDate) return null;
        if (date < Calendar.FirstSupportedDate) date = Calendar.FirstSupportedDate;

        for (LocalDate? session = Calendar.IsSession(date) ? date : NextSessionOrNull(date); session is { } s; session = NextSessionOrNull(s))
        {
            if (FireTimeOrNull(s) is { } at && at > after) return new SessionOccurrence(s, at, new Interval(PreviousFireTime(s) ?? at, at));
        }

        return null;
    }

    /// <summary>The firing for <paramref name="session"/>, with its data interval.</summary>
    /// <param name="session">A session of <see cref="Calendar"/>.</param>
    /// <returns>The firing.</returns>
    /// <exception cref="NotASessionException"><paramref name="session"/> is not a session.</exception>
    /// <exception cref="InvalidOperationException">The schedule is anchored on the break and <paramref name="session"/> has none.</exception>
    public SessionOccurrence Occurrence(LocalDate session)
    {
        var at = FireTime(session);
        return new SessionOccurrence(session, at, new Interval(PreviousFireTime(session) ?? at, at));
    }

    // The open, close and break anchors are the calendar's own arithmetic; only "the day after the session" reads the
    // pipeline's zone, so it stays here.
    private Instant? FireTimeOrNull(LocalDate session) => Time.Anchor switch
    {
        SessionAnchor.Open => Calendar.At(session, SessionEdge.Open, Time.Offset),
        SessionAnchor.Close => Calendar.At(session, SessionEdge.Close, Time.Offset),
        SessionAnchor.BreakStart => Calendar.At(session, SessionEdge.BreakStart, Time.Offset),
        SessionAnchor.BreakEnd => Calendar.At(session, SessionEdge.BreakEnd, Time.Offset),
        _ => FireTimeAfter(session),
    };

    private Instant FireTimeAfter(LocalDate session)
    {
        if (!Calendar.IsSession(session)) Calendar.SessionClose(session); // throws the calendar's own NotASessionException
        return Zone.AtLeniently(session.PlusDays(1).At(Time.TimeOfDay)).ToInstant();
    }

    // The data interval starts where the previous firing was (the previous session's, or for a break anchor the last
    // session's with a break); the calendar's first session has no previous one.
    private Instant? PreviousFireTime(LocalDate session)
    {
        for (var looked = 0; looked < BreakLookBackSessions && session > Calendar.FirstSupportedDate; looked++)
        {
            try
            {
                session = Calendar.PreviousSession(session);
            }
            catch (UnsupportedDateException)
            {
                return null;
            }

            if (FireTimeOrNull(session) is { } at) return at;
        }

        return null;
    }

    private LocalDate? NextSessionOrNull(LocalDate date)
    {
        if (date >= Calendar.LastSupportedDate) return null;
        try
        {
            return Calendar.NextSession(date);
        }
        catch (UnsupportedDateException)
        {
            return null;
        }
    }
}
