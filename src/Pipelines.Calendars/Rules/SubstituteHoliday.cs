using System;
using System.Collections.Generic;
using System.Linq;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// Japan's substitute holiday (furikae kyūjitsu): a national holiday on a Sunday gives a day off on the next day that is
/// not itself a national holiday (from 2007; before 2007 only on the Monday after, and not when that Monday was already
/// a holiday).
/// </summary>
/// <param name="Name">The holiday's name.</param>
/// <param name="NationalHolidays">The national holidays whose Sundays are substituted.</param>
public sealed record SubstituteHoliday(string Name, IReadOnlyList<HolidayRule> NationalHolidays) : HolidayRule(Name)
{
    /// <summary>The first year a substitute moves past a following holiday rather than lapsing (the 2005 revision of the National Holidays Act, in force 2007).</summary>
    public const int MovesPastHolidaysFrom = 2007;

    /// <inheritdoc />
    protected override IEnumerable<LocalDate> DatesIn(int year)
    {
        var holidays = new HashSet<LocalDate>(NationalHolidays.SelectMany(rule => rule.NominalDates(year).Concat(rule.NominalDates(year + 1))));
        foreach (var sunday in holidays.Where(date => date.Year == year && date.DayOfWeek == IsoDayOfWeek.Sunday).OrderBy(date => date))
        {
            var substitute = sunday.PlusDays(1);
            if (year < MovesPastHolidaysFrom)
            {
                if (!holidays.Contains(substitute)) yield return substitute;
                continue;
            }

            while (holidays.Contains(substitute)) substitute = substitute.PlusDays(1);
            yield return substitute;
        }
    }
}
