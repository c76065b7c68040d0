using System;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// A trading calendar: which dates are sessions, and when each session opens and closes.
/// </summary>
/// <remarks>
/// <para>
/// A session is labelled by a <see cref="LocalDate"/> (its trading date). Its open and close are computed as
/// local times in <see cref="Zone"/>, so they stay correct across daylight-saving changes. Nothing here reads the
/// clock: ask about an <see cref="Instant"/> you got from an injected <see cref="IClock"/>.
/// </para>
/// <para>
/// Every date-taking member throws <see cref="UnsupportedDateException"/> for a date outside
/// <see cref="FirstSupportedDate"/>..<see cref="LastSupportedDate"/> rather than guessing.
/// </para>
/// <para>
/// The built-in calendars are <c>XNYS</c> (New York Stock Exchange), <c>CMES</c> (CME Globex equity futures),
/// <c>SIFMA_US</c> (SIFMA's US bond market recommendation), <c>XLON</c> (London Stock Exchange), <c>XTKS</c> (Tokyo
/// Stock Exchange, with its lunch break), <c>XETR</c> (Xetra), <c>XPAR</c> (Euronext Paris), <c>XAMS</c> (Euronext Amsterdam)
/// and <c>XSWX</c> (SIX Swiss Exchange). Add your own with <see cref="Register"/>; combine them with
/// <c>Get("XNYS &amp; CMES")</c>.
/// </para>
/// <example>
/// <code>
/// var nyse = ExchangeCalendar.Get("XNYS");
/// var day = new LocalDate(2024, 7, 3);
/// if (nyse.IsSession(day))
/// {
///     ZonedDateTime close = nyse.SessionClose(day); // 2024-07-03T13:00 America/New_York (early close)
/// }
/// LocalDate next = nyse.NextSession(new LocalDate(2024, 7, 4)); // 2024-07-05
/// </code>
/// </example>
/// </remarks>
public abstract class ExchangeCalendar
{
    /// <summary>Creates a calendar.</summary>
    /// <param name="id">The identifier the calendar is registered under, for example <c>XNYS</c>.</param>
    /// <param name="name">A human-readable name, for example <c>New York Stock Exchange</c>.</param>
    /// <param name="zone">The zone session times are defined in.</param>
    /// <param name="firstSupportedDate">The first date this calendar has data for.</param>
    /// <param name="lastSupportedDate">The last date this calendar has data for.</param>
    protected ExchangeCalendar(string id, string name, DateTimeZone zone, LocalDate firstSupportedDate, LocalDate lastSupportedDate)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(zone);
        if (lastSupportedDate < firstSupportedDate)
        {
            throw new ArgumentException(
                $"The supported range of calendar '{id}' is empty: {DateText.Of(firstSupportedDate)} is after {DateText.Of(lastSupportedDate)}.",
                nameof(lastSupportedDate));
        }

        Id = id;
        Name = name;
        Zone = zone;
        FirstSupportedDate = firstSupportedDate;
        LastSupportedDate = lastSupportedDate;
    }

    /// <summary>The identifier of this calendar, for example <c>XNYS</c>.</summary>
    public string Id { get; }

    /// <summary>The human-readable name of this calendar.</summary>
    public string Name { get; }

    /// <summary>The time zone session opens and closes are defined in.</summary>
    public DateTimeZone Zone { get; }

    /// <summary>The first date this calendar can answer for.</summary>
    public LocalDate FirstSupportedDate { get; }

    /// <summary>The last date this calendar can answer for.</summary>
    public LocalDate LastSupportedDate { get; }

    /// <summary>The ids of every registered calendar (built-in and user-registered), sorted ordinally.</summary>
    public static IReadOnlyList<string> Ids => CalendarRegistry.Ids;

    /// <summary>
    /// Gets a registered calendar by its exact (case-sensitive) id, or the combination a calendar expression names:
    /// <c>XNYS &amp; CMES</c> trades on the dates both trade, from the later open to the earlier close; <c>XLON | XNYS</c>
    /// on the dates either trades, from the earlier open to the later close. <c>&amp;</c> binds tighter than <c>|</c>;
    /// parentheses group. A combination reports its times in the zone of its first calendar and has no midday break.
    /// </summary>
    /// <param name="id">A calendar id such as <c>XNYS</c>, <c>CMES</c> or <c>SIFMA_US</c>, or an expression such as <c>XNYS &amp; CMES</c>.</param>
    /// <returns>The calendar.</returns>
    /// <exception cref="UnknownCalendarException">No calendar is registered under <paramref name="id"/> or under an id the expression names.</exception>
    /// <exception cref="FormatException"><paramref name="id"/> is not an id and not a well-formed expression (for example <c>XNYS &amp;</c>).</exception>
    public static ExchangeCalendar Get(string id) => CalendarRegistry.Get(id);

    /// <summary>Looks up a registered calendar by its exact (case-sensitive) id, or a combination, as <see cref="Get"/> does.</summary>
    /// <param name="id">A calendar id or expression.</param>
    /// <param name="calendar">The calendar, when found.</param>
    /// <returns><see langword="true"/> when <paramref name="id"/> is registered, or is a well-formed expression of registered ids.</returns>
    public static bool TryGet(string id, [NotNullWhen(true)] out ExchangeCalendar? calendar) => CalendarRegistry.TryGet(id, out calendar);

    /// <summary>
    /// Registers a calendar under its <see cref="Id"/> so that <see cref="Get"/> finds it. Safe to call from any thread.
    /// </summary>
    /// <param name="calendar">The calendar to register, for example a <see cref="HolidayCalendar"/>.</param>
    /// <exception cref="ArgumentException">A calendar with the same id is already registered.</exception>
    public static void Register(ExchangeCalendar calendar) => CalendarRegistry.Register(calendar);

    /// <summary>Whether <paramref name="date"/> is a trading session.</summary>
    /// <param name="date">The date to check.</param>
    /// <returns><see langword="true"/> when the exchange trades on that date (including early-close sessions).</returns>
    /// <exception cref="UnsupportedDateException"><paramref name="date"/> is outside the supported range.</exception>
    public bool IsSession(LocalDate date)
    {
        EnsureSupported(date);
        return !IsWeekend(date) && FindHoliday(date) is null;
    }

    /// <summary>Finds the holiday (a weekday closure) on <paramref name="date"/>, if any.</summary>
    /// <param name="date">The date to check.</param>
    /// <param name="name">The holiday's name, for example <c>Independence Day</c>.</param>
    /// <returns><see langword="true"/> when the exchange is closed on that weekday. Weekends return <see langword="false"/>.</returns>
    /// <exception cref="UnsupportedDateException"><paramref name="date"/> is outside the supported range.</exception>
    public bool TryGetHoliday(LocalDate date, [NotNullWhen(true)] out string? name)
    {
        EnsureSupported(date);
        name = IsWeekend(date) ? null : FindHoliday(date);
        return name is not null;
    }

    /// <summary>The holidays (weekday closures) in <paramref name="year"/>, in date order.</summary>
    /// <param name="year">A year that lies entirely within the supported range.</param>
    /// <returns>The holidays in that year.</returns>
    /// <exception cref="UnsupportedDateException">Part of the year is outside the supported range.</exception>
    public IReadOnlyList<Holiday> Holidays(int year)
    {
        var holidays = new List<Holiday>();
        foreach (var date in DaysOf(year))
        {
            if (!IsWeekend(date) && FindHoliday(date) is { } name)
            {
                holidays.Add(new Holiday(date, name));
            }
        }

        return holidays;
    }

    /// <summary>Whether <paramref name="date"/> is a session that closes earlier than usual.</summary>
    /// <param name="date">The date to check.</param>
    /// <returns><see langword="true"/> for an early-close session; <see langword="false"/> for a regular session or a non-session.</returns>
    /// <exception cref="UnsupportedDateException"><paramref name="date"/> is outside the supported range.</exception>
    public bool IsEarlyClose(LocalDate date) => TryGetEarlyClose(date, out _);

    /// <summary>Finds the early close on <paramref name="date"/>, if that date is an early-close session.</summary>
    /// <param name="date">The date to check.</param>
    /// <param name="earlyClose">The early close, with its local closing time and reason.</param>
    /// <returns><see langword="true"/> for an early-close session.</returns>
    /// <exception cref="UnsupportedDateException"><paramref name="date"/> is outside the supported range.</exception>
    public bool TryGetEarlyClose(LocalDate date, [NotNullWhen(true)] out EarlyClose? earlyClose)
    {
        earlyClose = IsSession(date) ? FindEarlyClose(date) : null;
        return earlyClose is not null;
    }

    /// <summary>The early-close sessions in <paramref name="year"/>, in date order.</summary>
    /// <param name="year">A year that lies entirely within the supported range.</param>
    /// <returns>The early closes in that year.</returns>
    /// <exception cref="UnsupportedDateException">Part of the year is outside the supported range.</exception>
    public IReadOnlyList<EarlyClose> EarlyCloses(int year)
    {
        var closes = new List<EarlyClose>();
        foreach (var date in DaysOf(year))
        {
            if (!IsWeekend(date) && FindHoliday(date) is null && FindEarlyClose(date) is { } close)
            {
                closes.Add(close);
            }
        }

        return closes;
    }

    /// <summary>Finds the late open on <paramref name="date"/>, if that date is a session that opened later than usual.</summary>
    /// <param name="date">The date to check.</param>
    /// <param name="lateOpen">The late open, with its local opening time and reason.</param>
    /// <returns><see langword="true"/> for a late-open session; <see langword="false"/> for a regular session or a non-session.</returns>
    /// <exception cref="UnsupportedDateException"><paramref name="date"/> is outside the supported range.</exception>
    public bool TryGetLateOpen(LocalDate date, [NotNullWhen(true)] out LateOpen? lateOpen)
    {
        lateOpen = IsSession(date) ? FindLateOpen(date) : null;
        return lateOpen is not null;
    }

    /// <summary>When the session labelled <paramref name="session"/> opens, in <see cref="Zone"/> (late opens included).</summary>
    /// <param name="session">A session date.</param>
    /// <returns>The opening time.</returns>
    /// <exception cref="NotASessionException"><paramref name="session"/> is a weekend or holiday.</exception>
    /// <exception cref="UnsupportedDateException"><paramref name="session"/> is outside the supported range.</exception>
    public ZonedDateTime SessionOpen(LocalDate session)
    {
        EnsureSession(session);
        return Zone.AtLeniently(LocalOpen(session));
    }

    /// <summary>When the session labelled <paramref name="session"/> closes, in <see cref="Zone"/> (early closes included).</summary>
    /// <param name="session">A session date.</param>
    /// <returns>The closing time.</returns>
    /// <exception cref="NotASessionException"><paramref name="session"/> is a weekend or holiday.</exception>
    /// <exception cref="UnsupportedDateException"><paramref name="session"/> is outside the supported range.</exception>
    public ZonedDateTime SessionClose(LocalDate session)
    {
        EnsureSession(session);
        return Zone.AtLeniently(LocalClose(session));
    }

    /// <summary>
    /// When trading stops for the midday break of <paramref name="session"/>, in <see cref="Zone"/>, or
    /// <see langword="null"/> when that session has no break (most exchanges; Hong Kong's half days).
    /// </summary>
    /// <param name="session">A session date.</param>
    /// <returns>The start of the break, or <see langword="null"/>.</returns>
    /// <example><c>ExchangeCalendar.Get("XTKS").BreakStart(new LocalDate(2025, 1, 6))</c> is 11:30 Asia/Tokyo.</example>
    /// <exception cref="NotASessionException"><paramref name="session"/> is a weekend or holiday.</exception>
    /// <exception cref="UnsupportedDateException"><paramref name="session"/> is outside the supported range.</exception>
    public ZonedDateTime? BreakStart(LocalDate session)
    {
        EnsureSession(session);
        return LocalBreak(session) is { } pause ? Zone.AtLeniently(pause.Start) : null;
    }

    /// <summary>
    /// When trading resumes after the midday break of <paramref name="session"/>, in <see cref="Zone"/>, or
    /// <see langword="null"/> when that session has no break.
    /// </summary>
    /// <param name="session">A session date.</param>
    /// <returns>The end of the break, or <see langword="null"/>.</returns>
    /// <exception cref="NotASessionException"><paramref name="session"/> is a weekend or holiday.</exception>
    /// <exception cref="UnsupportedDateException"><paramref name="session"/> is outside the supported range.</exception>
    public ZonedDateTime? BreakEnd(LocalDate session)
    {
        EnsureSession(session);
        return LocalBreak(session) is { } pause ? Zone.AtLeniently(pause.End) : null;
    }

    /// <summary>The first session strictly after <paramref name="date"/>.</summary>
    /// <param name="date">Any supported date; it need not be a session.</param>
    /// <returns>The next session.</returns>
    /// <exception cref="UnsupportedDateException">There is no session after <paramref name="date"/> within the supported range.</exception>
    public LocalDate NextSession(LocalDate date)
    {
        EnsureSupported(date);
        for (var candidate = date.PlusDays(1); candidate <= LastSupportedDate; candidate = candidate.PlusDays(1))
        {
            if (IsSession(candidate))
            {
                return candidate;
            }
        }

        throw new UnsupportedDateException(this, date, $"there is no session of {Id} after {DateText.Of(date)} within the supported range");
    }

    /// <summary>The last session strictly before <paramref name="date"/>.</summary>
    /// <param name="date">Any supported date; it need not be a session.</param>
    /// <returns>The previous session.</returns>
    /// <exception cref="UnsupportedDateException">There is no session before <paramref name="date"/> within the supported range.</exception>
    public LocalDate PreviousSession(LocalDate date)
    {
        EnsureSupported(date);
        for (var candidate = date.PlusDays(-1); candidate >= FirstSupportedDate; candidate = candidate.PlusDays(-1))
        {
            if (IsSession(candidate))
            {
                return candidate;
            }
        }

        throw new UnsupportedDateException(this, date, $"there is no session of {Id} before {DateText.Of(date)} within the supported range");
    }

    /// <summary>The sessions from <paramref name="from"/> through <paramref name="to"/>, both inclusive, in order.</summary>
    /// <param name="from">The first date of the range.</param>
    /// <param name="to">The last date of the range; not before <paramref name="from"/>.</param>
    /// <returns>The sessions in the range (empty when the range holds none).</returns>
    /// <exception cref="ArgumentException"><paramref name="to"/> is before <paramref name="from"/>.</exception>
    /// <exception cref="UnsupportedDateException">Either end is outside the supported range.</exception>
    public IReadOnlyList<LocalDate> Sessions(LocalDate from, LocalDate to)
    {
        EnsureSupported(from);
        EnsureSupported(to);
        if (to < from)
        {
            throw new ArgumentException($"The range is reversed: {DateText.Of(to)} is before {DateText.Of(from)}.", nameof(to));
        }

        var sessions = new List<LocalDate>();
        for (var date = from; date <= to; date = date.PlusDays(1))
        {
            if (IsSession(date))
            {
                sessions.Add(date);
            }
        }

        return sessions;
    }

    /// <summary>
    /// Whether <paramref name="instant"/> falls inside a session (open inclusive, close exclusive) and outside its
    /// midday break (break start inclusive, break end exclusive).
    /// </summary>
    /// <param name="instant">The moment to check, for example <c>clock.GetCurrentInstant()</c>.</param>
    /// <returns><see langword="true"/> when the exchange is trading at that moment.</returns>
    /// <exception cref="UnsupportedDateException">The instant's local date is outside the supported range.</exception>
    public virtual bool IsOpenAt(Instant instant)
    {
        var localDate = instant.InZone(Zone).Date;
        EnsureSupported(localDate);

        // A session may open on the evening before its label (CME Globex), so the session containing an instant
        // is labelled either with the instant's local date or with the day after it; the day before is checked too
        // for calendars whose sessions run past midnight.
        for (var offset = -1; offset <= 1; offset++)
        {
            var session = localDate.PlusDays(offset);
            if (session < FirstSupportedDate || session > LastSupportedDate || !IsSession(session))
            {
                continue;
            }

            var open = Zone.AtLeniently(LocalOpen(session)).ToInstant();
            var close = Zone.AtLeniently(LocalClose(session)).ToInstant();
            if (open <= instant && instant < close)
            {
                return LocalBreak(session) is not { } pause
                    || instant < Zone.AtLeniently(pause.Start).ToInstant()
                    || Zone.AtLeniently(pause.End).ToInstant() <= instant;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Id} ({Name})";

    /// <summary>Whether <paramref name="date"/> is a weekend day. The default is Saturday and Sunday.</summary>
    /// <param name="date">A supported date.</param>
    /// <returns><see langword="true"/> for a weekend day.</returns>
    protected virtual bool IsWeekend(LocalDate date) => date.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday;

    /// <summary>The name of the holiday closing the exchange on weekday <paramref name="date"/>, or <see langword="null"/>.</summary>
    /// <param name="date">A supported weekday.</param>
    /// <returns>The holiday name, or <see langword="null"/> when the exchange trades.</returns>
    protected abstract string? FindHoliday(LocalDate date);

    /// <summary>The early close on session <paramref name="session"/>, or <see langword="null"/> for a regular session.</summary>
    /// <param name="session">A session date.</param>
    /// <returns>The early close, or <see langword="null"/>.</returns>
    protected abstract EarlyClose? FindEarlyClose(LocalDate session);

    /// <summary>The late open on session <paramref name="session"/>, or <see langword="null"/> for a regular open. The default has none.</summary>
    /// <param name="session">A session date.</param>
    /// <returns>The late open, or <see langword="null"/>.</returns>
    protected virtual LateOpen? FindLateOpen(LocalDate session) => null;

    /// <summary>The local start and end of the midday break of <paramref name="session"/>, or <see langword="null"/> for none (the default).</summary>
    /// <param name="session">A session date.</param>
    /// <returns>The break, or <see langword="null"/>.</returns>
    protected virtual (LocalDateTime Start, LocalDateTime End)? LocalBreak(LocalDate session) => null;

    /// <summary>Whether any session of the calendar may have a break (so a schedule on one need not look through 45 years of sessions to learn it never fires).</summary>
    internal virtual bool MayHaveBreaks => false;

    /// <summary>The local date and time session <paramref name="session"/> opens, late opens included.</summary>
    /// <param name="session">A session date.</param>
    /// <returns>The local opening time in <see cref="Zone"/>.</returns>
    protected abstract LocalDateTime LocalOpen(LocalDate session);

    /// <summary>The local date and time session <paramref name="session"/> closes, early closes included.</summary>
    /// <param name="session">A session date.</param>
    /// <returns>The local closing time in <see cref="Zone"/>.</returns>
    protected abstract LocalDateTime LocalClose(LocalDate session);

    private void EnsureSupported(LocalDate date)
    {
        if (date < FirstSupportedDate || date > LastSupportedDate)
        {
            throw new UnsupportedDateException(this, date);
        }
    }

    private void EnsureSession(LocalDate date)
    {
        if (!IsSession(date))
        {
            throw NotASessionException.For(this, date, IsWeekend(date) ? null : FindHoliday(date));
        }
    }

    private IEnumerable<LocalDate> DaysOf(int year)
    {
        var first = new LocalDate(year, 1, 1);
        var last = new LocalDate(year, 12, 31);
        EnsureSupported(first);
        EnsureSupported(last);
        for (var date = first; date <= last; date = date.PlusDays(1))
        {
            yield return date;
        }
    }
}
