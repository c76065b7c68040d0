using System.Collections.Generic;
using System.Linq;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// An unscheduled late open on specific dates, such as NYSE's 11:00 open in the blizzard of 1996-01-08. A date that is
/// not a session is ignored; pair it with a <see cref="OneOffEarlyClose"/> when the same day also closed early.
/// </summary>
public sealed record OneOffLateOpen
{
    /// <summary>Creates a one-off late open.</summary>
    /// <param name="reason">Why the session opened late.</param>
    /// <param name="open">The local opening time.</param>
    /// <param name="dates">The sessions that opened late.</param>
    public OneOffLateOpen(string reason, LocalTime open, params LocalDate[] dates)
    {
        Reason = reason;
        Open = open;
        Dates = dates.ToArray();
    }

    /// <summary>Why the sessions opened late.</summary>
    public string Reason { get; }

    /// <summary>The local opening time on those sessions.</summary>
    public LocalTime Open { get; }

    /// <summary>The sessions that opened late.</summary>
    public IReadOnlyList<LocalDate> Dates { get; }
}
