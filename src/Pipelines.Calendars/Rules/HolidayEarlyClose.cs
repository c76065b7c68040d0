using System;
using System.Collections.Generic;
using System.Linq;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// An early close placed relative to a holiday, counted in sessions: the session before it
/// (<paramref name="SessionOffset"/> = -1, such as SIFMA's close before Memorial Day), the session after it (+1, such
/// as NYSE's day after Thanksgiving), or the holiday's observed date itself (0, for calendars that trade a shortened
/// session on that holiday, such as CME Globex on Labor Day).
/// </summary>
/// <param name="Holiday">The holiday the early close hangs off.</param>
/// <param name="SessionOffset">-1, 0 or +1.</param>
/// <param name="Close">The local closing time.</param>
/// <remarks>
/// "The session before" is counted from the earlier of the nominal and the observed date, so a Saturday Christmas
/// observed on Friday December 24 puts the early close on Thursday December 23, and a Saturday New Year's Day that
/// is not observed still puts one on Friday December 31.
/// </remarks>
public sealed record HolidayEarlyClose(HolidayRule Holiday, int SessionOffset, LocalTime Close) : EarlyCloseRule(Close)
{
    private const int MaxDaysToSearch = 14;

    /// <summary>The reason reported for the early close; by default derived from the holiday's name.</summary>
    public string? Reason { get; init; }

    /// <inheritdoc />
    protected override IEnumerable<EarlyClose> DatesIn(int year, Func<LocalDate, bool> isSession)
    {
        var nominal = Holiday.NominalDates(year).ToArray();
        var observed = Holiday.ObservedDates(year).ToArray();
        var reason = Reason ?? SessionOffset switch
        {
            < 0 => $"Day before {Holiday.Name}",
            > 0 => $"Day after {Holiday.Name}",
            _ => $"{Holiday.Name} (shortened session)",
        };

        if (SessionOffset == 0)
        {
            foreach (var date in observed)
            {
                yield return new EarlyClose(date, Close, reason);
            }

            yield break;
        }

        if (nominal.Length == 0)
        {
            yield break;
        }

        var step = Math.Sign(SessionOffset);
        var anchor = step < 0 ? nominal.Concat(observed).Min() : nominal.Concat(observed).Max();
        for (var remaining = Math.Abs(SessionOffset); remaining > 0; remaining--)
        {
            var found = false;
            for (var i = 0; i < MaxDaysToSearch && !found; i++)
            {
                anchor = anchor.PlusDays(step);
                found = isSession(anchor);
            }

            if (!found)
            {
                yield break;
            }
        }

        yield return new EarlyClose(anchor, Close, reason);
    }
}
