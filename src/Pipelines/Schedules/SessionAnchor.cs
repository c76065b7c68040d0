// This file is compiled into both Pipelines and the Pipelines.Generators analyzer (beside ScheduleSyntax.cs).
// Keep it netstandard2.0-compatible.
namespace Pipelines.Schedules
{
    /// <summary>
    /// What a session-relative schedule (<c>@session_open</c>, <c>@session_close</c>, <c>@break_start</c>,
    /// <c>@break_end</c>, <c>@after_session</c>) is measured from.
    /// </summary>
    public enum SessionAnchor
    {
        /// <summary><c>@session_open±hh:mm</c>: the session's open, plus or minus an offset.</summary>
        Open,

        /// <summary><c>@session_close±hh:mm</c>: the session's close (early closes included), plus or minus an offset.</summary>
        Close,

        /// <summary><c>@after_session hh:mm</c>: a time of day on the calendar day after the session, in the pipeline's time zone.</summary>
        After,

        /// <summary><c>@break_start±hh:mm</c>: where the session's midday break starts; a session without a break has no firing.</summary>
        BreakStart,

        /// <summary><c>@break_end±hh:mm</c>: where the session's midday break ends; a session without a break has no firing.</summary>
        BreakEnd,
    }
}
