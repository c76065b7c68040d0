using NodaTime;

namespace Pipelines.Calendars;

/// <summary>One firing of a <see cref="SessionSchedule"/>: the session it is for and when it fires.</summary>
/// <param name="Session">The session, which is the run's logical date.</param>
/// <param name="At">When the run is due.</param>
/// <param name="DataInterval">From the previous session's firing to <paramref name="At"/>.</param>
public readonly record struct SessionOccurrence(LocalDate Session, Instant At, Interval DataInterval);
