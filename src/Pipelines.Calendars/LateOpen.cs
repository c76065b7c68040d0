using NodaTime;

namespace Pipelines.Calendars;

/// <summary>A session that opens later than the calendar's regular open.</summary>
/// <param name="Date">The session date.</param>
/// <param name="Open">The local opening time in the calendar's zone.</param>
/// <param name="Reason">Why, for example <c>Snowstorm</c>.</param>
public sealed record LateOpen(LocalDate Date, LocalTime Open, string Reason);
