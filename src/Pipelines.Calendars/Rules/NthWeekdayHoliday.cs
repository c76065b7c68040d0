using System;
using System.Collections.Generic;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>A holiday on the <paramref name="Nth"/> given weekday of a month, such as Thanksgiving (4th Thursday of November).</summary>
/// <param name="Name">The holiday's name.</param>
/// <param name="Month">The month, 1-12.</param>
/// <param name="DayOfWeek">The weekday.</param>
/// <param name="Nth">Which occurrence, 1-4.</param>
public sealed record NthWeekdayHoliday(string Name, int Month, IsoDayOfWeek DayOfWeek, int Nth) : HolidayRule(Name)
{
    /// <inheritdoc />
    protected override IEnumerable<LocalDate> DatesIn(int year)
    {
        if (Nth is < 1 or > 4)
        {
            throw new InvalidOperationException($"Holiday rule '{Name}' asks for occurrence {Nth}; use 1-4, or LastWeekdayHoliday for the last one.");
        }

        var first = new LocalDate(year, Month, 1);
        var firstMatch = first.DayOfWeek == DayOfWeek ? first : first.Next(DayOfWeek);
        return [firstMatch.PlusWeeks(Nth - 1)];
    }
}
