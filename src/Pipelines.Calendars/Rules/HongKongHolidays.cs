using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// Hong Kong's general holidays that fall on weekdays, 1990-2035, under the General Holidays Ordinance (Cap. 149) as
/// amended, with its substitution rules: the holidays the exchange closes for.
/// </summary>
/// <remarks>
/// <para>
/// A holiday on a Sunday is made up on the next day that is neither a Sunday nor a general holiday; one of the lunar or
/// solar festivals that lands on another holiday is made up the same way (Ching Ming on Easter Monday 2010, Tuen Ng on the
/// Queen's Birthday Monday 1994, the day after Mid-Autumn on National Day 2012). Saturdays are general holidays too, so a
/// holiday on a Saturday is not made up, except by the rules below.
/// </para>
/// <para>
/// Lunar New Year: its first three days, and when one of them is a Sunday, the day before Lunar New Year's Day until the
/// Substitution of Holidays amendment of 2011, the fourth day from 2012 on. The day after Mid-Autumn on a Sunday: the
/// festival itself (a Saturday) was the holiday until 2011; from 2012 the Sunday is made up on the Monday (2022-09-12).
/// </para>
/// </remarks>
internal static class HongKongHolidays
{
    /// <summary>The first year under the Substitution of Holidays amendment (Ordinance 2011).</summary>
    private const int AmendmentYear = 2012;

    private static readonly ConcurrentDictionary<int, Holiday[]> ByYear = new();

    /// <summary>One rule per holiday name, each answering the dates of that name from the year's computation.</summary>
    public static IReadOnlyList<HolidayRule> Rules { get; } =
    [
        new Named("New Year's Day"),
        new Named("The day preceding Lunar New Year's Day"),
        new Named("Lunar New Year's Day"),
        new Named("The second day of Lunar New Year"),
        new Named("The third day of Lunar New Year"),
        new Named("The fourth day of Lunar New Year"),
        new Named("Ching Ming Festival"),
        new Named("Good Friday"),
        new Named("Easter Monday"),
        new Named("Labour Day"),
        new Named("The Birthday of the Buddha"),
        new Named("Tuen Ng Festival"),
        new Named("Queen's Birthday"),
        new Named("Hong Kong Special Administrative Region Establishment Day"),
        new Named("The day following Hong Kong Special Administrative Region Establishment Day"),
        new Named("Liberation Day"),
        new Named("Sino-Japanese War Victory Day"),
        new Named("The day following the Chinese Mid-Autumn Festival"),
        new Named("National Day"),
        new Named("The day following National Day"),
        new Named("Chung Yeung Festival"),
        new Named("Christmas Day"),
        new Named("The first weekday after Christmas Day"),
        new Named("Millennium"),
        new Named("70th anniversary of the victory of the Chinese people's War of Resistance against Japanese Aggression"),
    ];

    /// <summary>The weekday holidays of <paramref name="year"/>, substitutes included; empty outside 1990-2035.</summary>
    /// <param name="year">A year.</param>
    /// <returns>The holidays, a substitute under the name of the holiday it makes up for.</returns>
    public static IReadOnlyList<Holiday> In(int year) => ByYear.GetOrAdd(year, Compute);

    private enum Moves
    {
        Never,
        FromSunday,
        FromSundayOrAnotherHoliday,
    }

    private static Holiday[] Compute(int year)
    {
        if (ChineseFestivals.In(year) is not { } festivals) return [];

        var days = new List<(LocalDate Date, string Name, Moves Moves)>();
        void Add(LocalDate date, string name, Moves moves = Moves.Never) => days.Add((date, name, moves));
        LocalDate On(int month, int day) => new(year, month, day);

        Add(On(1, 1), "New Year's Day", Moves.FromSunday);

        var lunarNewYear = festivals.LunarNewYear;
        Add(lunarNewYear, "Lunar New Year's Day");
        Add(lunarNewYear.PlusDays(1), "The second day of Lunar New Year");
        Add(lunarNewYear.PlusDays(2), "The third day of Lunar New Year");
        if (Enumerable.Range(0, 3).Any(i => lunarNewYear.PlusDays(i).DayOfWeek == IsoDayOfWeek.Sunday))
        {
            if (year < AmendmentYear) Add(lunarNewYear.PlusDays(-1), "The day preceding Lunar New Year's Day");
            else Add(lunarNewYear.PlusDays(3), "The fourth day of Lunar New Year");
        }

        Add(festivals.ChingMing, "Ching Ming Festival", Moves.FromSundayOrAnotherHoliday);
        var easter = GregorianEaster.Sunday(year);
        Add(easter.PlusDays(-2), "Good Friday");
        Add(easter.PlusDays(1), "Easter Monday");

        // Labour Day and the Birthday of the Buddha became general holidays in 1999 (General Holidays (Amendment)
        // Ordinance 1998).
        if (year >= 1999)
        {
            Add(On(5, 1), "Labour Day", Moves.FromSunday);
            Add(festivals.BuddhasBirthday, "The Birthday of the Buddha", Moves.FromSundayOrAnotherHoliday);
        }

        Add(festivals.TuenNg, "Tuen Ng Festival", Moves.FromSundayOrAnotherHoliday);

        // Colonial holidays until the handover: the Queen's Birthday Monday in June and Liberation Day, the last Monday
        // of August (each with a Saturday, which the exchange does not trade anyway). The Monday is the one
        // exchange_calendars records from the exchange's own history: the third Monday of June, the second in 1993
        // and 1994.
        if (year < 1997)
        {
            var june = new NthWeekdayHoliday("Queen's Birthday", 6, IsoDayOfWeek.Monday, year is 1993 or 1994 ? 2 : 3);
            Add(june.NominalDates(year).Single(), "Queen's Birthday");
            Add(new LastWeekdayHoliday("Liberation Day", 8, IsoDayOfWeek.Monday).NominalDates(year).Single(), "Liberation Day");
        }

        // 1997 and 1998 had the transitional list: the Queen's Birthday moved to the eve of the handover, two days each
        // for the establishment of the region and National Day, and Sino-Japanese War Victory Day in August.
        if (year == 1997)
        {
            Add(On(6, 30), "Queen's Birthday");
            Add(On(7, 2), "The day following Hong Kong Special Administrative Region Establishment Day");
            Add(On(8, 18), "Sino-Japanese War Victory Day");
        }

        if (year == 1998) Add(On(8, 17), "Sino-Japanese War Victory Day");
        if (year is 1997 or 1998) Add(On(10, 2), "The day following National Day");

        if (year >= 1997)
        {
            Add(On(7, 1), "Hong Kong Special Administrative Region Establishment Day", Moves.FromSunday);
            Add(On(10, 1), "National Day", Moves.FromSunday);
        }

        var afterMidAutumn = festivals.MidAutumn.PlusDays(1);
        if (afterMidAutumn.DayOfWeek != IsoDayOfWeek.Sunday || year >= AmendmentYear)
        {
            Add(afterMidAutumn, "The day following the Chinese Mid-Autumn Festival", Moves.FromSundayOrAnotherHoliday);
        }

        Add(festivals.ChungYeung, "Chung Yeung Festival", Moves.FromSundayOrAnotherHoliday);

        // Christmas Day on a Sunday is made up after the first weekday after it (Monday 26th), so on the 27th; the first
        // weekday after Christmas counts Saturday as a weekday (2020-12-26) and skips only a Sunday.
        Add(On(12, 25), "Christmas Day", Moves.FromSunday);
        var boxing = On(12, 26);
        Add(boxing.DayOfWeek == IsoDayOfWeek.Sunday ? boxing.PlusDays(1) : boxing, "The first weekday after Christmas Day");

        if (year == 1999) Add(On(12, 31), "Millennium");
        if (year == 2015) Add(On(9, 3), "70th anniversary of the victory of the Chinese people's War of Resistance against Japanese Aggression");

        return Substitute(days);
    }

    private static Holiday[] Substitute(List<(LocalDate Date, string Name, Moves Moves)> days)
    {
        var taken = new HashSet<LocalDate>();
        var result = new List<Holiday>();
        foreach (var day in days.Where(day => !NeedsMove(day, days)))
        {
            taken.Add(day.Date);
            result.Add(new Holiday(day.Date, day.Name));
        }

        foreach (var day in days.Where(day => NeedsMove(day, days)).OrderBy(day => day.Date))
        {
            var date = day.Date.PlusDays(1);
            while (date.DayOfWeek == IsoDayOfWeek.Sunday || taken.Contains(date)) date = date.PlusDays(1);
            taken.Add(date);
            result.Add(new Holiday(date, day.Name));
        }

        return result.Where(holiday => holiday.Date.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday)).OrderBy(holiday => holiday.Date).ToArray();
    }

    // A festival that shares its date with another holiday is the one that moves; the other keeps the day.
    private static bool NeedsMove((LocalDate Date, string Name, Moves Moves) day, List<(LocalDate Date, string Name, Moves Moves)> days) =>
        day.Moves switch
        {
            Moves.Never => false,
            _ when day.Date.DayOfWeek == IsoDayOfWeek.Sunday => true,
            Moves.FromSundayOrAnotherHoliday => days.Any(other => other != day && other.Date == day.Date && other.Moves != Moves.FromSundayOrAnotherHoliday),
            _ => false,
        };

    /// <summary>A holiday rule that answers the dates one name has in the year's computation.</summary>
    /// <param name="Name">The holiday's name as the government lists it.</param>
    private sealed record Named(string Name) : HolidayRule(Name)
    {
        protected override IEnumerable<LocalDate> DatesIn(int year) =>
            In(year).Where(holiday => holiday.Name == Name).Select(holiday => holiday.Date);
    }
}
