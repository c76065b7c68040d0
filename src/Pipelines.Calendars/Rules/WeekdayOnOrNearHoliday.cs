using System.Collections.Generic;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// A holiday on the given weekday on or before a date (Canada's Victoria Day, the Monday on or before May 24) or on or
/// after it (Australia Day before 1994, the Monday on or after January 26).
/// </summary>
/// <param name="Name">The holiday's name.</param>
/// <param name="Month">The month of the anchor date, 1-12.</param>
/// <param name="Day">The day of the anchor date.</param>
/// <param name="DayOfWeek">The weekday the holiday falls on.</param>
/// <param name="OnOrBefore"><see langword="true"/> for the weekday on or before the anchor, <see langword="false"/> for on or after.</param>
public sealed record WeekdayOnOrNearHoliday(string Name, int Month, int Day, IsoDayOfWeek DayOfWeek, bool OnOrBefore) : HolidayRule(Name)
{
    /// <inheritdoc />
    protected override IEnumerable<LocalDate> DatesIn(int year)
    {
        var anchor = new LocalDate(year, Month, Day);
        if (anchor.DayOfWeek == DayOfWeek) return [anchor];
        return [OnOrBefore ? anchor.Previous(DayOfWeek) : anchor.Next(DayOfWeek)];
    }
}
