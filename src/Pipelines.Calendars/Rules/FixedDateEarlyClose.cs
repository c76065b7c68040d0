using System;
using System.Collections.Generic;
using System.Linq;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// An early close on the same month and day each year when that date is a session and falls on one of
/// <see cref="DaysOfWeek"/>, such as NYSE's Christmas Eve (December 24, Monday to Thursday).
/// </summary>
/// <param name="Reason">Why the session is shortened, for example <c>Christmas Eve</c>.</param>
/// <param name="Month">The month, 1-12.</param>
/// <param name="Day">The day of the month.</param>
/// <param name="Close">The local closing time.</param>
public sealed record FixedDateEarlyClose(string Reason, int Month, int Day, LocalTime Close) : EarlyCloseRule(Close)
{
    /// <summary>The weekdays on which the date is shortened; empty for any weekday.</summary>
    public IReadOnlyList<IsoDayOfWeek> DaysOfWeek { get; init; } = [];

    /// <summary>Whether a date on a weekend moves to the Friday before (LSE's Christmas Eve and New Year's Eve).</summary>
    public bool WeekendToFriday { get; init; }

    /// <inheritdoc />
    protected override IEnumerable<EarlyClose> DatesIn(int year, Func<LocalDate, bool> isSession)
    {
        var date = new LocalDate(year, Month, Day);
        if (WeekendToFriday && date.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday) date = date.Previous(IsoDayOfWeek.Friday);
        if ((DaysOfWeek.Count == 0 || DaysOfWeek.Contains(date.DayOfWeek)) && isSession(date))
        {
            yield return new EarlyClose(date, Close, Reason);
        }
    }
}
