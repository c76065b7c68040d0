using System.Collections.Generic;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>A holiday on the same month and day every year, such as Independence Day (July 4).</summary>
/// <param name="Name">The holiday's name.</param>
/// <param name="Month">The month, 1-12.</param>
/// <param name="Day">The day of the month.</param>
public sealed record FixedDateHoliday(string Name, int Month, int Day) : HolidayRule(Name)
{
    /// <inheritdoc />
    protected override IEnumerable<LocalDate> DatesIn(int year) => [new LocalDate(year, Month, Day)];
}
