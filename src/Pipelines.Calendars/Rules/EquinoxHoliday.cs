using System;
using System.Collections.Generic;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// Japan's Vernal (Shunbun no Hi) or Autumnal (Shūbun no Hi) Equinox Day: the day of the equinox in Japan Standard Time.
/// </summary>
/// <remarks>
/// The Cabinet Office fixes each year's date in the official gazette the February before, from the National Astronomical
/// Observatory's ephemeris. This rule uses the usual closed form for 1980-2099 (a mean tropical year of 0.242194 days
/// past the 1980 equinox, less the leap days since), which reproduces every gazetted date from 1980 through 2027; later
/// years are its prediction until the gazette says otherwise.
/// </remarks>
/// <param name="Name">The holiday's name.</param>
/// <param name="Autumnal"><see langword="true"/> for the September equinox, <see langword="false"/> for the March one.</param>
public sealed record EquinoxHoliday(string Name, bool Autumnal) : HolidayRule(Name)
{
    /// <inheritdoc />
    protected override IEnumerable<LocalDate> DatesIn(int year)
    {
        if (year is < 1980 or > 2099)
        {
            throw new InvalidOperationException($"Holiday rule '{Name}' computes equinoxes for 1980-2099 only, not {year}.");
        }

        var offset = Autumnal ? 23.2488 : 20.8431;
        var day = (int)Math.Floor(offset + 0.242194 * (year - 1980)) - (year - 1980) / 4;
        return [new LocalDate(year, Autumnal ? 9 : 3, day)];
    }
}
