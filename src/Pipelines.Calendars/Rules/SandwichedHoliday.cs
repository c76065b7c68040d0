using System.Collections.Generic;
using System.Linq;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// Japan's citizens' holiday (kokumin no kyūjitsu): a day that is not a national holiday but lies between two national
/// holidays is a day off (May 4 until 2007; some Tuesdays in September, such as 2015-09-22; 2019-04-30 and 2019-05-02
/// around the enthronement). Sundays are never one, as they are no working day to free.
/// </summary>
/// <param name="Name">The holiday's name.</param>
/// <param name="NationalHolidays">The national holidays (not their substitutes) that can enclose a day.</param>
public sealed record SandwichedHoliday(string Name, IReadOnlyList<HolidayRule> NationalHolidays) : HolidayRule(Name)
{
    /// <inheritdoc />
    protected override IEnumerable<LocalDate> DatesIn(int year)
    {
        var holidays = new HashSet<LocalDate>(NationalHolidays.SelectMany(rule => rule.NominalDates(year)));
        return holidays
            .Select(date => date.PlusDays(1))
            .Where(day => day.Year == year && !holidays.Contains(day) && holidays.Contains(day.PlusDays(1)) && day.DayOfWeek != IsoDayOfWeek.Sunday)
            .OrderBy(day => day)
            .ToArray();
    }
}
