using System.Collections.Generic;

namespace Pipelines.Calendars;

/// <summary>Thrown by <see cref="ExchangeCalendar.Get"/> for an id no calendar is registered under.</summary>
public sealed class UnknownCalendarException : KeyNotFoundException
{
    internal UnknownCalendarException(string id, IReadOnlyList<string> knownIds, string? expression = null)
        : base($"No exchange calendar is registered with id '{id}'{(expression is null ? "" : $" (in '{expression}')")} (ids are case-sensitive). Known ids: {string.Join(", ", knownIds)}.")
    {
        Id = id;
        KnownIds = knownIds;
        Expression = expression;
    }

    /// <summary>The id that was asked for, or the unknown id inside the calendar expression that was asked for.</summary>
    public string Id { get; }

    /// <summary>The calendar expression that named <see cref="Id"/>, such as <c>XNYS &amp; XNSY</c>, or <see langword="null"/> for a plain id.</summary>
    public string? Expression { get; }

    /// <summary>The ids that were registered when the lookup failed.</summary>
    public IReadOnlyList<string> KnownIds { get; }
}
