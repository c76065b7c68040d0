using System.Collections.Generic;
using System.Linq;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// One holiday as data: how its nominal date is found in a year, where it is observed when that falls on a
/// weekend, and the years it applies to.
/// </summary>
/// <param name="Name">The holiday's name, reported by <see cref="ExchangeCalendar.TryGetHoliday"/>.</param>
public abstract record HolidayRule(string Name)
{
    /// <summary>The first year the rule applies, or <see langword="null"/> for no lower bound.</summary>
    public int? FirstYear { get; init; }

    /// <summary>The last year the rule applies, or <see langword="null"/> for no upper bound.</summary>
    public int? LastYear { get; init; }

    /// <summary>Years inside <see cref="FirstYear"/>..<see cref="LastYear"/> in which the holiday was moved or cancelled by proclamation (pair it with a <see cref="OneOffHoliday"/> for the new date).</summary>
    public IReadOnlyList<int> ExceptYears { get; init; } = [];

    /// <summary>Where the holiday is observed when its nominal date is a weekend.</summary>
    public Observance Observance { get; init; } = Observance.None;

    /// <summary>Whether the rule applies in <paramref name="year"/>.</summary>
    /// <param name="year">A calendar year.</param>
    /// <returns><see langword="true"/> within <see cref="FirstYear"/>..<see cref="LastYear"/>.</returns>
    public bool AppliesIn(int year) => (FirstYear is null || year >= FirstYear) && (LastYear is null || year <= LastYear) && !ExceptYears.Contains(year);

    /// <summary>The nominal (unobserved) dates of this holiday in <paramref name="year"/>; empty when the rule does not apply.</summary>
    /// <param name="year">A calendar year.</param>
    /// <returns>The nominal dates, usually one.</returns>
    public IEnumerable<LocalDate> NominalDates(int year) => AppliesIn(year) ? DatesIn(year) : [];

    /// <summary>
    /// The dates the holiday is observed for <paramref name="year"/> (a weekday, or nothing when a weekend date is not
    /// observed). An observed date can fall in a neighbouring year (a Saturday January 1 observed on December 31).
    /// </summary>
    /// <param name="year">A calendar year.</param>
    /// <returns>The observed weekdays.</returns>
    public IEnumerable<LocalDate> ObservedDates(int year)
    {
        foreach (var date in NominalDates(year))
        {
            if (Observe(date) is { } observed)
            {
                yield return observed;
            }
        }
    }

    /// <summary>The nominal dates of the holiday in <paramref name="year"/>, ignoring <see cref="FirstYear"/> and <see cref="LastYear"/>.</summary>
    /// <param name="year">A calendar year.</param>
    /// <returns>The nominal dates.</returns>
    protected abstract IEnumerable<LocalDate> DatesIn(int year);

    private LocalDate? Observe(LocalDate date) => (date.DayOfWeek, Observance) switch
    {
        (IsoDayOfWeek.Saturday, Observance.NearestWeekday) => date.PlusDays(-1),
        (IsoDayOfWeek.Sunday, Observance.NearestWeekday or Observance.SundayToMonday or Observance.WeekendToMonday) => date.PlusDays(1),
        (IsoDayOfWeek.Saturday, Observance.WeekendToMonday) => date.PlusDays(2),
        (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday, Observance.WeekendPlusTwoDays) => date.PlusDays(2),
        (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday, _) => null,
        _ => date,
    };
}
