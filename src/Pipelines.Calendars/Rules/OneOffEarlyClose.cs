using System;
using System.Collections.Generic;
using System.Linq;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>An unscheduled early close on specific dates, such as a snowstorm or a day of mourning.</summary>
public sealed record OneOffEarlyClose : EarlyCloseRule
{
    /// <summary>Creates a one-off early close.</summary>
    /// <param name="reason">Why the session was shortened.</param>
    /// <param name="close">The local closing time.</param>
    /// <param name="dates">The shortened sessions.</param>
    public OneOffEarlyClose(string reason, LocalTime close, params LocalDate[] dates)
        : base(close)
    {
        Reason = reason;
        Dates = dates.ToArray();
    }

    /// <summary>Why the session was shortened.</summary>
    public string Reason { get; }

    /// <summary>The shortened sessions.</summary>
    public IReadOnlyList<LocalDate> Dates { get; }

    /// <summary>
    /// When <see langword="true"/>, the dates are sessions even if a holiday rule closes them (for example SIFMA's
    /// shortened Good Friday when it coincided with the jobs report).
    /// </summary>
    public bool OverridesHoliday { get; init; }

    /// <inheritdoc />
    protected override IEnumerable<EarlyClose> DatesIn(int year, Func<LocalDate, bool> isSession) =>
        Dates.Where(date => date.Year == year && isSession(date)).Select(date => new EarlyClose(date, Close, Reason));
}
