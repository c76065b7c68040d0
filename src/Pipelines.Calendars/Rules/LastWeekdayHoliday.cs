using System.Collections.Generic;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>A holiday on the last given weekday of a month, such as Memorial Day (last Monday of May).</summary>
/// <param name="Name">The holiday's name.</param>
/// <param name="Month">The month, 1-12.</param>
/// <param name="DayOfWeek">The weekday.</param>
public sealed record LastWeekdayHoliday(string Name, int Month, IsoDayOfWeek DayOfWeek) : HolidayRule(Name)
{
    /// <inheritdoc />
    protected override IEnumerable<LocalDate> DatesIn(int year)
    {
        var last = new LocalDate(year, Month, 1).PlusMonths(1).PlusDays(-1);
        return [last.DayOfWeek == DayOfWeek ? last : last.Previous(DayOfWeek)];
    }
}
