using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// A calendar defined by data: regular hours, a list of <see cref="HolidayRule"/>s (closures) and a list of
/// <see cref="EarlyCloseRule"/>s (shortened sessions). The built-in exchange calendars are short lists of rules.
/// </summary>
/// <remarks>
/// Holidays and early closes are computed per year on first use and cached; instances are safe to share between
/// threads.
/// </remarks>
/// <example>
/// <code>
/// var calendar = new RuleBasedCalendar(
///     "ACME", "Acme business days", DateTimeZoneProviders.Tzdb["Europe/London"],
///     new TradingHours(new LocalTime(9, 0), new LocalTime(17, 0)),
///     new LocalDate(2020, 1, 1), new LocalDate(2030, 12, 31),
///     [new FixedDateHoliday("Christmas Day", 12, 25) { Observance = Observance.NearestWeekday }],
///     [new FixedDateEarlyClose("Christmas Eve", 12, 24, new LocalTime(12, 0))]);
/// ExchangeCalendar.Register(calendar);
/// </code>
/// </example>
public class RuleBasedCalendar : ExchangeCalendar
{
    private readonly HolidayRule[] _holidayRules;
    private readonly EarlyCloseRule[] _earlyCloseRules;
    private readonly ConcurrentDictionary<int, IReadOnlyDictionary<LocalDate, string>> _holidaysByYear = new();
    private readonly ConcurrentDictionary<int, IReadOnlyDictionary<LocalDate, EarlyClose>> _earlyClosesByYear = new();
    private HoursChange[] _hoursChanges = [];
    private OneOffLateOpen[] _lateOpenRules = [];
    private Dictionary<LocalDate, LateOpen> _lateOpens = [];

    /// <summary>Creates a calendar from rules.</summary>
    /// <param name="id">The registry id.</param>
    /// <param name="name">A human-readable name.</param>
    /// <param name="zone">The zone session times are defined in.</param>
    /// <param name="hours">The regular session hours.</param>
    /// <param name="firstSupportedDate">The first date the rules are known to be right for.</param>
    /// <param name="lastSupportedDate">The last date the rules are known to be right for.</param>
    /// <param name="holidays">The closures.</param>
    /// <param name="earlyCloses">The shortened sessions.</param>
    public RuleBasedCalendar(
        string id,
        string name,
        DateTimeZone zone,
        TradingHours hours,
        LocalDate firstSupportedDate,
        LocalDate lastSupportedDate,
        IEnumerable<HolidayRule> holidays,
        IEnumerable<EarlyCloseRule> earlyCloses)
        : base(id, name, zone, firstSupportedDate, lastSupportedDate)
    {
        ArgumentNullException.ThrowIfNull(hours);
        ArgumentNullException.ThrowIfNull(holidays);
        ArgumentNullException.ThrowIfNull(earlyCloses);
        Validate(id, hours, nameof(hours));
        Hours = hours;
        _holidayRules = holidays.ToArray();
        _earlyCloseRules = earlyCloses.ToArray();
    }

    /// <summary>The regular session hours.</summary>
    public TradingHours Hours { get; }

    /// <summary>
    /// Changes of the regular hours over the years, each from its effective date on; before the first change
    /// <see cref="Hours"/> applies. Set it with an object initializer.
    /// </summary>
    /// <exception cref="ArgumentException">Two changes share a date, or a change's hours are inconsistent.</exception>
    public IReadOnlyList<HoursChange> HoursChanges
    {
        get => _hoursChanges;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            var changes = value.OrderBy(change => change.Effective).ToArray();
            for (var i = 0; i < changes.Length; i++)
            {
                Validate(Id, changes[i].Hours, nameof(HoursChanges));
                if (i > 0 && changes[i].Effective == changes[i - 1].Effective)
                {
                    throw new ArgumentException($"Calendar '{Id}' has two changes of hours on {DateText.Of(changes[i].Effective)}.", nameof(HoursChanges));
                }
            }

            _hoursChanges = changes;
        }
    }

    /// <summary>The unscheduled late opens (a blizzard, a systems problem). Set it with an object initializer.</summary>
    public IReadOnlyList<OneOffLateOpen> LateOpenRules
    {
        get => _lateOpenRules;
        init
        {
            ArgumentNullException.ThrowIfNull(value);
            _lateOpenRules = value.ToArray();
            _lateOpens = _lateOpenRules
                .SelectMany(rule => rule.Dates.Select(date => new LateOpen(date, rule.Open, rule.Reason)))
                .GroupBy(open => open.Date)
                .ToDictionary(group => group.Key, group => group.MaxBy(open => open.Open)!); // two rules on one day: the later open is what happened
        }
    }

    /// <summary>The regular hours in force on <paramref name="session"/>: the latest of <see cref="HoursChanges"/> effective by then, else <see cref="Hours"/>.</summary>
    /// <param name="session">A date.</param>
    /// <returns>The regular hours of that date, before early closes and late opens.</returns>
    public TradingHours HoursOn(LocalDate session)
    {
        var hours = Hours;
        foreach (var change in _hoursChanges)
        {
            if (change.Effective > session) break;
            hours = change.Hours;
        }

        return hours;
    }

    /// <summary>The holiday rules, in the order given.</summary>
    public IReadOnlyList<HolidayRule> HolidayRules => _holidayRules;

    /// <summary>The early-close rules, in the order given.</summary>
    public IReadOnlyList<EarlyCloseRule> EarlyCloseRules => _earlyCloseRules;

    /// <inheritdoc />
    protected override string? FindHoliday(LocalDate date) =>
        HolidaysIn(date.Year).TryGetValue(date, out var name) ? name : null;

    /// <inheritdoc />
    protected override EarlyClose? FindEarlyClose(LocalDate session) =>
        EarlyClosesIn(session.Year).TryGetValue(session, out var close) ? close : null;

    /// <inheritdoc />
    protected override LateOpen? FindLateOpen(LocalDate session) => _lateOpens.GetValueOrDefault(session);

    /// <inheritdoc />
    protected override LocalDateTime LocalOpen(LocalDate session)
    {
        if (FindLateOpen(session) is { } late) return session + late.Open;
        var hours = HoursOn(session);
        return (hours.OpensPreviousDay ? session.PlusDays(-1) : session) + hours.Open;
    }

    /// <inheritdoc />
    protected override LocalDateTime LocalClose(LocalDate session) =>
        session + (FindEarlyClose(session)?.Close ?? HoursOn(session).Close);

    /// <inheritdoc />
    public override bool MayHaveBreaks => Hours.BreakStart.HasValue || HoursChanges.Any(c => c.Hours.BreakStart.HasValue);

    /// <inheritdoc />
    /// <remarks>
    /// A session keeps its break only when it trades on both sides of it: a half day that closes by the break's end
    /// (Hong Kong's noon closes) or a late open at or after its start has none.
    /// </remarks>
    protected override (LocalDateTime Start, LocalDateTime End)? LocalBreak(LocalDate session)
    {
        var hours = HoursOn(session);
        if (hours.BreakStart is not { } start || hours.BreakEnd is not { } end) return null;
        var open = LocalOpen(session);
        var close = LocalClose(session);
        var breakStart = session + start;
        var breakEnd = session + end;
        return open < breakStart && breakEnd < close ? (breakStart, breakEnd) : null;
    }

    private static void Validate(string id, TradingHours hours, string paramName)
    {
        ArgumentNullException.ThrowIfNull(hours, paramName);
        if (!hours.OpensPreviousDay && hours.Close <= hours.Open)
        {
            throw new ArgumentException($"Calendar '{id}' closes at {hours.Close} which is not after its open at {hours.Open}; set OpensPreviousDay for an overnight session.", paramName);
        }

        if (hours.BreakStart.HasValue != hours.BreakEnd.HasValue)
        {
            throw new ArgumentException($"Calendar '{id}' has a break with only one end; set both BreakStart and BreakEnd, or neither.", paramName);
        }

        if (hours is { BreakStart: { } start, BreakEnd: { } end }
            && (hours.OpensPreviousDay || !(hours.Open < start && start < end && end < hours.Close)))
        {
            throw new ArgumentException($"Calendar '{id}' has a break {start}-{end} that does not lie inside its session {hours.Open}-{hours.Close}.", paramName);
        }
    }

    private IReadOnlyDictionary<LocalDate, string> HolidaysIn(int year) => _holidaysByYear.GetOrAdd(year, ComputeHolidays);

    private IReadOnlyDictionary<LocalDate, EarlyClose> EarlyClosesIn(int year) => _earlyClosesByYear.GetOrAdd(year, ComputeEarlyCloses);

    // Unchecked on purpose: rules near the edge of the supported range look one year beyond it.
    private bool IsSessionUnchecked(LocalDate date) => !IsWeekend(date) && !HolidaysIn(date.Year).ContainsKey(date);

    private Dictionary<LocalDate, string> ComputeHolidays(int year)
    {
        var holidays = new Dictionary<LocalDate, string>();

        // An observed date can cross the year boundary (Saturday January 1 observed on December 31).
        for (var ruleYear = year - 1; ruleYear <= year + 1; ruleYear++)
        {
            foreach (var rule in _holidayRules)
            {
                foreach (var date in rule.ObservedDates(ruleYear))
                {
                    if (date.Year != year || IsWeekend(date))
                    {
                        continue;
                    }

                    holidays[date] = holidays.TryGetValue(date, out var existing) && existing != rule.Name
                        ? $"{existing} / {rule.Name}"
                        : rule.Name;
                }
            }
        }

        foreach (var rule in _earlyCloseRules.OfType<OneOffEarlyClose>().Where(rule => rule.OverridesHoliday))
        {
            foreach (var date in rule.Dates)
            {
                holidays.Remove(date);
            }
        }

        return holidays;
    }

    private Dictionary<LocalDate, EarlyClose> ComputeEarlyCloses(int year)
    {
        var closes = new Dictionary<LocalDate, EarlyClose>();
        for (var ruleYear = year - 1; ruleYear <= year + 1; ruleYear++)
        {
            foreach (var rule in _earlyCloseRules)
            {
                foreach (var close in rule.EarlyClosesFor(ruleYear, IsSessionUnchecked))
                {
                    if (close.Date.Year != year || !IsSessionUnchecked(close.Date))
                    {
                        continue;
                    }

                    // Two rules on one session: the earlier close is the one that happens.
                    if (!closes.TryGetValue(close.Date, out var existing) || close.Close < existing.Close)
                    {
                        closes[close.Date] = close;
                    }
                }
            }
        }

        return closes;
    }
}
