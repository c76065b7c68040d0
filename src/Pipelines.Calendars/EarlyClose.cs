using NodaTime;

namespace Pipelines.Calendars;

/// <summary>A session that closes earlier than the calendar's regular close.</summary>
/// <param name="Date">The session date.</param>
/// <param name="Close">The local closing time in the calendar's zone.</param>
/// <param name="Reason">Why, for example <c>Day after Thanksgiving Day</c>.</param>
public sealed record EarlyClose(LocalDate Date, LocalTime Close, string Reason);
