using NodaTime;

namespace Pipelines.Calendars;

/// <summary>A calendar's regular session hours, as local times in its zone.</summary>
/// <param name="Open">The regular opening time.</param>
/// <param name="Close">The regular closing time.</param>
public sealed record TradingHours(LocalTime Open, LocalTime Close)
{
    /// <summary>
    /// When <see langword="true"/>, the session labelled D opens at <see cref="Open"/> on the calendar day before D
    /// (overnight markets such as CME Globex, whose Monday session opens on Sunday evening).
    /// </summary>
    public bool OpensPreviousDay { get; init; }
}
