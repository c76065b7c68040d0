using NodaTime;

namespace Pipelines.Calendars;

/// <summary>A date on which a calendar has no session, with the reason.</summary>
/// <param name="Date">The (observed) date the exchange is closed.</param>
/// <param name="Name">Why, for example <c>Independence Day</c> or <c>Hurricane Sandy</c>.</param>
public sealed record Holiday(LocalDate Date, string Name);
