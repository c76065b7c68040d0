using NodaTime;

namespace Pipelines.Calendars;

/// <summary>A calendar's regular session hours, as local times in its zone.</summary>
/// <param name="Open">The regular opening time.</param>
/// <param name="Close">The regular closing time.</param>
/// <example>
/// Tokyo since 2024-11-05: <c>new TradingHours(new LocalTime(9, 0), new LocalTime(15, 30)) { BreakStart = new(11, 30), BreakEnd = new(12, 30) }</c>.
/// </example>
public sealed record TradingHours(LocalTime Open, LocalTime Close)
{
    /// <summary>
    /// When <see langword="true"/>, the session labelled D opens at <see cref="Open"/> on the calendar day before D
    /// (overnight markets such as CME Globex, whose Monday session opens on Sunday evening).
    /// </summary>
    public bool OpensPreviousDay { get; init; }

    /// <summary>
    /// Where a midday break (Tokyo's and Hong Kong's lunch) starts, or <see langword="null"/> for a session without one.
    /// Set together with <see cref="BreakEnd"/>.
    /// </summary>
    public LocalTime? BreakStart { get; init; }

    /// <summary>Where the midday break ends and trading resumes, or <see langword="null"/> for a session without one.</summary>
    public LocalTime? BreakEnd { get; init; }
}
