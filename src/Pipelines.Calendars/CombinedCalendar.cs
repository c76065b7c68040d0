using System;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// Two calendars read as one: <c>XNYS &amp; CMES</c> trades on the dates both trade, from the later open to the earlier
/// close; <c>XLON | XNYS</c> trades on the dates either trades, from the earlier open to the later close. Built by
/// <see cref="ExchangeCalendar.Get"/> from a calendar expression.
/// </summary>
/// <remarks>
/// <para>
/// Times are reported in the zone of the left-hand calendar. The supported range is where both sides have data.
/// </para>
/// <para>
/// A combined session has no break: <see cref="ExchangeCalendar.BreakStart"/> is always <see langword="null"/>, even when
/// a side breaks for lunch inside the combined session. <see cref="ExchangeCalendar.IsOpenAt"/> asks the sides, so it
/// honours their breaks, and for <c>|</c> it is false in a gap between two sessions that do not overlap.
/// </para>
/// <para>
/// A date on which both sides of an <c>&amp;</c> trade but their sessions have no time in common (London's 12:30 close on
/// Christmas Eve before New York's open; Tokyo and New York on every day) is not a session of the combination: its
/// "holiday" says why, and no session-relative time is ever inverted.
/// </para>
/// </remarks>
internal sealed class CombinedCalendar : ExchangeCalendar
{
    private readonly ExchangeCalendar _left;
    private readonly ExchangeCalendar _right;
    private readonly bool _both;

    private CombinedCalendar(string id, ExchangeCalendar left, ExchangeCalendar right, bool both)
        : base(
            id,
            $"{left.Name} {(both ? "and" : "or")} {right.Name}",
            left.Zone,
            Max(left.FirstSupportedDate, right.FirstSupportedDate),
            Min(left.LastSupportedDate, right.LastSupportedDate))
    {
        _left = left;
        _right = right;
        _both = both;
    }

    /// <summary>Sessions of both: the later open, the earlier close.</summary>
    public static CombinedCalendar Both(string id, ExchangeCalendar left, ExchangeCalendar right) => new(id, left, right, both: true);

    /// <summary>Sessions of either: the earlier open, the later close.</summary>
    public static CombinedCalendar Either(string id, ExchangeCalendar left, ExchangeCalendar right) => new(id, left, right, both: false);

    /// <inheritdoc />
    public override bool IsOpenAt(Instant instant)
    {
        var date = instant.InZone(Zone).Date;
        if (date < FirstSupportedDate || date > LastSupportedDate) throw new UnsupportedDateException(this, date);
        return _both
            ? _left.IsOpenAt(instant) && _right.IsOpenAt(instant)
            : _left.IsOpenAt(instant) || _right.IsOpenAt(instant);
    }

    /// <inheritdoc />
    protected override bool IsWeekend(LocalDate date) => _both
        ? IsWeekendOf(_left, date) || IsWeekendOf(_right, date)
        : IsWeekendOf(_left, date) && IsWeekendOf(_right, date);

    /// <inheritdoc />
    protected override string? FindHoliday(LocalDate date)
    {
        var left = Closure(_left, date);
        var right = Closure(_right, date);
        if (!_both) return left is null || right is null ? null : $"{left} and {right}";
        if ((left ?? right) is { } closed) return closed;
        // Both trade, but only a session with time in common is a session of both: London's 12:30 close on Christmas
        // Eve comes before New York opens, and an open after the close would invert every session-relative time.
        var opening = OpeningSide(date);
        var closing = ClosingSide(date);
        return opening.SessionOpen(date).ToInstant() < closing.SessionClose(date).ToInstant()
            ? null
            : $"no time in common: {closing.Id} closes at {closing.SessionClose(date).TimeOfDay:HH:mm} before {opening.Id} opens at {opening.SessionOpen(date).TimeOfDay:HH:mm}";
    }

    /// <inheritdoc />
    protected override EarlyClose? FindEarlyClose(LocalDate session)
    {
        // The combined close is early when the side that sets it closes early that day.
        var side = ClosingSide(session);
        return side.TryGetEarlyClose(session, out var early)
            ? new EarlyClose(session, LocalClose(session).TimeOfDay, Tagged(side, early.Reason))
            : null;
    }

    /// <inheritdoc />
    protected override LateOpen? FindLateOpen(LocalDate session)
    {
        var side = OpeningSide(session);
        return side.TryGetLateOpen(session, out var late)
            ? new LateOpen(session, LocalOpen(session).TimeOfDay, Tagged(side, late.Reason))
            : null;
    }

    /// <inheritdoc />
    protected override LocalDateTime LocalOpen(LocalDate session) => OpeningSide(session).SessionOpen(session).WithZone(Zone).LocalDateTime;

    /// <inheritdoc />
    protected override LocalDateTime LocalClose(LocalDate session) => ClosingSide(session).SessionClose(session).WithZone(Zone).LocalDateTime;

    private static bool IsWeekendOf(ExchangeCalendar side, LocalDate date) => !side.IsSession(date) && !side.TryGetHoliday(date, out _);

    /// <summary>Why <paramref name="side"/> does not trade on <paramref name="date"/>, or <see langword="null"/> when it does.</summary>
    private static string? Closure(ExchangeCalendar side, LocalDate date)
    {
        if (side.IsSession(date)) return null;
        return side.TryGetHoliday(date, out var name) ? Tagged(side, name) : $"a weekend day of {side.Id}";
    }

    /// <summary>A side's reason with the side named, once: a nested combination has already named its own side.</summary>
    private static string Tagged(ExchangeCalendar side, string reason) => side is CombinedCalendar ? reason : $"{reason} ({side.Id})";

    /// <summary>The side whose open is the combined open: for both, the later; for either, the earlier of those trading.</summary>
    private ExchangeCalendar OpeningSide(LocalDate session)
    {
        if (!_both && !_right.IsSession(session)) return _left;
        if (!_both && !_left.IsSession(session)) return _right;
        var left = _left.SessionOpen(session).ToInstant();
        var right = _right.SessionOpen(session).ToInstant();
        return _both == (right > left) ? _right : _left;
    }

    /// <summary>The side whose close is the combined close: for both, the earlier; for either, the later of those trading.</summary>
    private ExchangeCalendar ClosingSide(LocalDate session)
    {
        if (!_both && !_right.IsSession(session)) return _left;
        if (!_both && !_left.IsSession(session)) return _right;
        var left = _left.SessionClose(session).ToInstant();
        var right = _right.SessionClose(session).ToInstant();
        return _both == (right < left) ? _right : _left;
    }

    private static LocalDate Max(LocalDate a, LocalDate b) => a > b ? a : b;

    private static LocalDate Min(LocalDate a, LocalDate b) => a < b ? a : b;
}
