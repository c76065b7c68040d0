using System;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// Thrown when a session-only operation (such as <see cref="ExchangeCalendar.SessionOpen"/>) is given a date on which
/// the calendar does not trade. The message names the date, the calendar and the reason, and points to
/// <see cref="ExchangeCalendar.NextSession"/>.
/// </summary>
public sealed class NotASessionException : ArgumentException
{
    private NotASessionException(string message, string calendarId, LocalDate date, string reason)
        : base(message, "session")
    {
        CalendarId = calendarId;
        Date = date;
        Reason = reason;
    }

    /// <summary>The id of the calendar that was asked.</summary>
    public string CalendarId { get; }

    /// <summary>The date that is not a session.</summary>
    public LocalDate Date { get; }

    /// <summary>Why it is not a session: <c>a Saturday</c>, <c>a Sunday</c>, or the holiday's name.</summary>
    public string Reason { get; }

    internal static NotASessionException For(ExchangeCalendar calendar, LocalDate date, string? holiday)
    {
        var reason = holiday is null ? $"a {DateText.DayName(date)}" : holiday;
        var why = holiday is null ? $"it is a {DateText.DayName(date)}" : $"the exchange is closed for {holiday}";
        string hint;
        try
        {
            hint = $"The next session is {DateText.Of(calendar.NextSession(date))}; use NextSession(date) to move to it.";
        }
        catch (UnsupportedDateException)
        {
            hint = "Use NextSession(date) or PreviousSession(date) to find a session.";
        }

        var message = $"{DateText.Of(date)} is not a session of {calendar.Id} ({calendar.Name}): {why}. {hint}";
        return new NotASessionException(message, calendar.Id, date, reason);
    }
}
