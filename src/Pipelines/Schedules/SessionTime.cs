using System;
using System.Globalization;
using NodaTime;

namespace Pipelines.Schedules;

/// <summary>
/// When a session-relative schedule fires for a session of the pipeline's calendar: at the open, the close or an end of
/// the midday break plus
/// <see cref="Offset"/>, or at <see cref="TimeOfDay"/> on the calendar day after the session.
/// </summary>
/// <example>
/// <c>@session_close+00:30</c> fires 30 minutes after each close (16:30 New York on a regular NYSE day, 13:30 on an early
/// close); <c>@after_session 04:00</c> fires at 04:00 in the pipeline's time zone on the day after each session, so a Friday
/// session's run fires on Saturday morning.
/// </example>
public sealed class SessionTime : IEquatable<SessionTime>
{
    /// <summary>Creates a session time.</summary>
    /// <param name="anchor">What the time is measured from.</param>
    /// <param name="offset">For <see cref="SessionAnchor.Open"/>, <see cref="SessionAnchor.Close"/> and the break anchors: elapsed time after (or, negative, before) the anchor, less than a day either way.</param>
    /// <param name="timeOfDay">For <see cref="SessionAnchor.After"/>: the time of day on the day after the session.</param>
    public SessionTime(SessionAnchor anchor, Duration offset, LocalTime timeOfDay)
    {
        if (offset >= Duration.FromDays(1) || offset <= -Duration.FromDays(1))
            throw new ArgumentOutOfRangeException(nameof(offset), offset, "A session offset must be less than a day either way.");
        Anchor = anchor;
        Offset = anchor == SessionAnchor.After ? Duration.Zero : offset;
        TimeOfDay = anchor == SessionAnchor.After ? timeOfDay : LocalTime.Midnight;
    }

    /// <summary>What the time is measured from.</summary>
    public SessionAnchor Anchor { get; }

    /// <summary>The elapsed time after the open or close (negative: before it); zero for <see cref="SessionAnchor.After"/>.</summary>
    public Duration Offset { get; }

    /// <summary>The time of day on the day after the session, for <see cref="SessionAnchor.After"/>; midnight otherwise.</summary>
    public LocalTime TimeOfDay { get; }

    internal static SessionTime From(ScheduleSyntax.SessionRule rule) => rule.Anchor == SessionAnchor.After
        ? new SessionTime(rule.Anchor, Duration.Zero, LocalTime.Midnight.PlusMinutes(rule.Minutes))
        : new SessionTime(rule.Anchor, Duration.FromMinutes(rule.Minutes), LocalTime.Midnight);

    /// <inheritdoc />
    public bool Equals(SessionTime? other) =>
        other is not null && Anchor == other.Anchor && Offset == other.Offset && TimeOfDay == other.TimeOfDay;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SessionTime);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Anchor, Offset, TimeOfDay);

    /// <summary>The schedule text for this time, such as <c>@session_close+00:30</c>.</summary>
    public override string ToString()
    {
        if (Anchor == SessionAnchor.After)
            return ScheduleSyntax.AfterSession + " " + TimeOfDay.ToString("HH:mm", CultureInfo.InvariantCulture);
        var keyword = Anchor switch
        {
            SessionAnchor.Open => ScheduleSyntax.SessionOpen,
            SessionAnchor.BreakStart => ScheduleSyntax.BreakStart,
            SessionAnchor.BreakEnd => ScheduleSyntax.BreakEnd,
            _ => ScheduleSyntax.SessionClose,
        };
        if (Offset == Duration.Zero) return keyword;
        var minutes = (long)Math.Abs(Offset.TotalMinutes);
        return string.Create(CultureInfo.InvariantCulture, $"{keyword}{(Offset < Duration.Zero ? '-' : '+')}{minutes / 60:00}:{minutes % 60:00}");
    }
}
