using System;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// Thrown when a calendar is asked about a date outside the range it has data for, instead of guessing.
/// </summary>
public sealed class UnsupportedDateException : ArgumentOutOfRangeException
{
    internal UnsupportedDateException(ExchangeCalendar calendar, LocalDate date, string? detail = null)
        : base(
            "date",
            $"{DateText.Of(date)} is outside the supported range of calendar {calendar.Id} ({calendar.Name}): " +
            (detail is null
                ? $"it has data from {DateText.Of(calendar.FirstSupportedDate)} through {DateText.Of(calendar.LastSupportedDate)}."
                : $"{detail} ({DateText.Of(calendar.FirstSupportedDate)} through {DateText.Of(calendar.LastSupportedDate)})."))
    {
        CalendarId = calendar.Id;
        Date = date;
        FirstSupportedDate = calendar.FirstSupportedDate;
        LastSupportedDate = calendar.LastSupportedDate;
    }

    /// <summary>The id of the calendar that was asked.</summary>
    public string CalendarId { get; }

    /// <summary>The date that was asked about.</summary>
    public LocalDate Date { get; }

    /// <summary>The first date the calendar supports.</summary>
    public LocalDate FirstSupportedDate { get; }

    /// <summary>The last date the calendar supports.</summary>
    public LocalDate LastSupportedDate { get; }
}
