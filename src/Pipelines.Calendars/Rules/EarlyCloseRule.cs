using System;
using System.Collections.Generic;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// One kind of early close as data: which sessions it shortens and the local time they close.
/// A rule only ever shortens sessions; a date it names that is not a session is ignored.
/// </summary>
/// <param name="Close">The local closing time on the shortened sessions.</param>
public abstract record EarlyCloseRule(LocalTime Close)
{
    /// <summary>The first year the rule applies, or <see langword="null"/> for no lower bound.</summary>
    public int? FirstYear { get; init; }

    /// <summary>The last year the rule applies, or <see langword="null"/> for no upper bound.</summary>
    public int? LastYear { get; init; }

    /// <summary>Whether the rule applies in <paramref name="year"/>.</summary>
    /// <param name="year">A calendar year.</param>
    /// <returns><see langword="true"/> within <see cref="FirstYear"/>..<see cref="LastYear"/>.</returns>
    public bool AppliesIn(int year) => (FirstYear is null || year >= FirstYear) && (LastYear is null || year <= LastYear);

    /// <summary>
    /// The early closes this rule produces for rule year <paramref name="year"/> (a date may land in a neighbouring
    /// year, as the session before New Year's Day does). Empty when the rule does not apply.
    /// </summary>
    /// <param name="year">The rule year.</param>
    /// <param name="isSession">Whether a date is a session of the calendar (holidays and weekends excluded).</param>
    /// <returns>The candidate early closes.</returns>
    public IEnumerable<EarlyClose> EarlyClosesFor(int year, Func<LocalDate, bool> isSession)
    {
        ArgumentNullException.ThrowIfNull(isSession);
        return AppliesIn(year) ? DatesIn(year, isSession) : [];
    }

    /// <summary>The early closes for <paramref name="year"/>, ignoring <see cref="FirstYear"/> and <see cref="LastYear"/>.</summary>
    /// <param name="year">The rule year.</param>
    /// <param name="isSession">Whether a date is a session of the calendar.</param>
    /// <returns>The candidate early closes.</returns>
    protected abstract IEnumerable<EarlyClose> DatesIn(int year, Func<LocalDate, bool> isSession);
}
