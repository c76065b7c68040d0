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

    // Combinations built from expressions, by the text asked for. Registration only ever adds ids, so a combination
    // that was valid once stays valid and can be kept.
    private static readonly ConcurrentDictionary<string, ExchangeCalendar> Combinations = new(StringComparer.Ordinal);

    public static IReadOnlyList<string> Ids => Calendars.Keys.OrderBy(id => id, StringComparer.Ordinal).ToArray();

    public static ExchangeCalendar Get(string id) =>
        TryResolve(id, out var calendar, out var error) ? calendar : throw error!;

    public static bool TryGet(string id, [NotNullWhen(true)] out ExchangeCalendar? calendar) => TryResolve(id, out calendar, out _);

    /// <summary>
    /// The one way an id or an expression becomes a calendar, for <see cref="Get"/> (which throws the error) and
    /// <see cref="TryGet"/> alike: a registered id whole first (user ids may hold '&amp;', '|' or spaces), then the text
    /// as an expression, whose combinations are kept by their normalised text (so "XNYS&amp;CMES" and "XNYS &amp; CMES"
    /// are one calendar, and " XNYS " is XNYS).
    /// </summary>
    private static bool TryResolve(string id, [NotNullWhen(true)] out ExchangeCalendar? calendar, out Exception? error)
    {
        ArgumentNullException.ThrowIfNull(id);
        error = null;
        if (Calendars.TryGetValue(id, out calendar)) return true;
        if (!CalendarExpression.TryParse(id, out var expression, out var reason))
        {
            error = new FormatException($"Calendar expression '{id}' is invalid: {reason}. Write a calendar id such as XNYS, or combine ids with '&' (sessions of both), '|' (sessions of either) and parentheses, as in \"XNYS & CMES\".");
            return false;
        }
        foreach (var name in expression!.Ids())
        {
            if (Calendars.ContainsKey(name.Name)) continue;
            error = new UnknownCalendarException(name.Name, Ids, expression is CalendarExpression.Id ? null : id);
            return false;
        }
        calendar = Combinations.GetOrAdd(expression.ToString(), _ => Build(expression));
        return true;
    }

    public static void Register(ExchangeCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        if (!Calendars.TryAdd(calendar.Id, calendar))
        {
            throw new ArgumentException($"A calendar with id '{calendar.Id}' is already registered.", nameof(calendar));
        }
    }

    /// <summary>The calendar an expression whose ids are all registered stands for, named by its normalised text.</summary>
    private static ExchangeCalendar Build(CalendarExpression expression) => expression switch
    {
        CalendarExpression.Id id => Calendars[id.Name],
        CalendarExpression.Both both => CombinedCalendar.Both(expression.ToString(), Build(both.Left), Build(both.Right)),
        CalendarExpression.Either either => CombinedCalendar.Either(expression.ToString(), Build(either.Left), Build(either.Right)),
        _ => throw new InvalidOperationException($"Unexpected calendar expression {expression.GetType().Name}."),
    };

    private static ConcurrentDictionary<string, ExchangeCalendar> Seed()
    {
        var calendars = new ConcurrentDictionary<string, ExchangeCalendar>(StringComparer.Ordinal);
        foreach (var calendar in new ExchangeCalendar[] { NewYorkStockExchange.Create(), CmeEquityFutures.Create(), SifmaUsBondMarket.Create(), TokyoStockExchange.Create(), LondonStockExchange.Create(), Xetra.Create(), EuronextParis.Create(), EuronextAmsterdam.Create(), SixSwissExchange.Create(), HongKongExchange.Create(), AustralianSecuritiesExchange.Create(), TorontoStockExchange.Create(), IceFuturesUs.Create() })
        {
            calendars[calendar.Id] = calendar;
        }

        return calendars;
    }
}
