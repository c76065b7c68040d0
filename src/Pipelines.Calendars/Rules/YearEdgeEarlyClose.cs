using System;
using System.Collections.Generic;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// A shortened first or last session of the year, such as Tokyo's morning-only Dai-hakkai and Dai-nōkai before 2009.
/// </summary>
/// <param name="Reason">Why, for example <c>First trading day of the year</c>.</param>
/// <param name="Last"><see langword="true"/> for the last session of the year, <see langword="false"/> for the first.</param>
/// <param name="Close">The local closing time on that session.</param>
public sealed record YearEdgeEarlyClose(string Reason, bool Last, LocalTime Close) : EarlyCloseRule(Close)
{
    // No exchange closes for more than a few weeks in a row at a year's edge.
    private const int SearchDays = 31;

    /// <inheritdoc />
    protected override IEnumerable<EarlyClose> DatesIn(int year, Func<LocalDate, bool> isSession)
    {
        var date = Last ? new LocalDate(year, 12, 31) : new LocalDate(year, 1, 1);
        for (var i = 0; i < SearchDays; i++, date = date.PlusDays(Last ? -1 : 1))
        {
            if (isSession(date))
            {
                yield return new EarlyClose(date, Close, Reason);
                yield break;
            }
        }
    }
}
