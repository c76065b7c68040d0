namespace Pipelines.Calendars;

/// <summary>A moment of a session that times are measured from: its open, its close, or an end of its midday break.</summary>
/// <example><c>calendar.At(session, SessionEdge.Close, Duration.FromMinutes(30))</c> is half an hour after that session's close.</example>
public enum SessionEdge
{
    /// <summary>When the session opens (late opens included).</summary>
    Open,

    /// <summary>When the session closes (early closes included).</summary>
    Close,

    /// <summary>When trading stops for the midday break; sessions without a break have none.</summary>
    BreakStart,

    /// <summary>When trading resumes after the midday break; sessions without a break have none.</summary>
    BreakEnd,
}
