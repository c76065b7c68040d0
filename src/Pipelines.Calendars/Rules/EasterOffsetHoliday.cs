using System.Collections.Generic;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>A holiday a fixed number of days from (Western) Easter Sunday, such as Good Friday (-2).</summary>
/// <param name="Name">The holiday's name.</param>
/// <param name="DaysFromEaster">Days after Easter Sunday; negative for before.</param>
public sealed record EasterOffsetHoliday(string Name, int DaysFromEaster) : HolidayRule(Name)
{
    /// <inheritdoc />
    protected override IEnumerable<LocalDate> DatesIn(int year) => [GregorianEaster.Sunday(year).PlusDays(DaysFromEaster)];
}
