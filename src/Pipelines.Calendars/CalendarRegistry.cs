using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Linq;

namespace Pipelines.Calendars;

/// <summary>The process-wide, thread-safe map from calendar id to calendar, seeded with the built-in calendars.</summary>
internal static class CalendarRegistry
{
    private static readonly ConcurrentDictionary<string, ExchangeCalendar> Calendars = Seed();

    public static IReadOnlyList<string> Ids => Calendars.Keys.OrderBy(id => id, StringComparer.Ordinal).ToArray();

    public static ExchangeCalendar Get(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        return Calendars.TryGetValue(id, out var calendar) ? calendar : throw new UnknownCalendarException(id, Ids);
    }

    public static bool TryGet(string id, [NotNullWhen(true)] out ExchangeCalendar? calendar)
    {
        ArgumentNullException.ThrowIfNull(id);
        return Calendars.TryGetValue(id, out calendar);
    }

    public static void Register(ExchangeCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        if (!Calendars.TryAdd(calendar.Id, calendar))
        {
            throw new ArgumentException($"A calendar with id '{calendar.Id}' is already registered.", nameof(calendar));
        }
    }

    private static ConcurrentDictionary<string, ExchangeCalendar> Seed()
    {
        var calendars = new ConcurrentDictionary<string, ExchangeCalendar>(StringComparer.Ordinal);
        foreach (var calendar in new ExchangeCalendar[] { NewYorkStockExchange.Create(), CmeEquityFutures.Create(), SifmaUsBondMarket.Create(), TokyoStockExchange.Create() })
        {
            calendars[calendar.Id] = calendar;
        }

        return calendars;
    }
}
