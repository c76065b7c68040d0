using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// Regular hours that took effect on a date, for an exchange whose hours changed over the years (Tokyo's close moved
/// from 15:00 to 15:30 on 2024-11-05). Early closes and late opens still apply on top of them.
/// </summary>
/// <param name="Effective">The first session with these hours.</param>
/// <param name="Hours">The regular hours from that session on, until the next change.</param>
public sealed record HoursChange(LocalDate Effective, TradingHours Hours);
