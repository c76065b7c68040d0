using System.Collections.Generic;

namespace Pipelines.Calendars;

/// <summary>Thrown by <see cref="ExchangeCalendar.Get"/> for an id no calendar is registered under.</summary>
public sealed class UnknownCalendarException : KeyNotFoundException
{
    internal UnknownCalendarException(string id, IReadOnlyList<string> knownIds)
        : base($"No exchange calendar is registered with id '{id}' (ids are case-sensitive). Known ids: {string.Join(", ", knownIds)}.")
    {
        Id = id;
        KnownIds = knownIds;
    }

    /// <summary>The id that was asked for.</summary>
    public string Id { get; }

    /// <summary>The ids that were registered when the lookup failed.</summary>
    public IReadOnlyList<string> KnownIds { get; }
}
