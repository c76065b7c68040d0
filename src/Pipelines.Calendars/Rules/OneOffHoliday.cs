using System.Collections.Generic;
using System.Linq;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>An unscheduled closure on specific dates, such as a national day of mourning or a storm.</summary>
public sealed record OneOffHoliday : HolidayRule
{
    /// <summary>Creates a one-off closure.</summary>
    /// <param name="name">Why the exchange closed, for example <c>Hurricane Sandy</c>.</param>
    /// <param name="dates">The dates it was closed.</param>
    public OneOffHoliday(string name, params LocalDate[] dates)
        : base(name)
    {
        Dates = dates.ToArray();
    }

    /// <summary>The dates of the closure.</summary>
    public IReadOnlyList<LocalDate> Dates { get; }

    /// <inheritdoc />
    protected override IEnumerable<LocalDate> DatesIn(int year) => Dates.Where(date => date.Year == year);
}
