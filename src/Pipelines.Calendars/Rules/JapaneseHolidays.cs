using System.Collections.Generic;
using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// Japan's national holidays under the National Holidays Act (1948, as amended) from 1990: the rules, the one-off
/// holidays of the two enthronements and a royal wedding, and the moves for the Tokyo Olympics in 2020 and 2021.
/// Substitute and citizens' holidays are derived from these by <see cref="SubstituteHoliday"/> and
/// <see cref="SandwichedHoliday"/>.
/// </summary>
public static class JapaneseHolidays
{
    /// <summary>The national holidays, 1990 on.</summary>
    public static IReadOnlyList<HolidayRule> National { get; } =
    [
        new FixedDateHoliday("New Year's Day", 1, 1),

        // Happy Monday system (2000 amendment): Coming of Age Day and Sports Day moved to Mondays from 2000,
        // Marine Day and Respect for the Aged Day from 2003.
        new FixedDateHoliday("Coming of Age Day", 1, 15) { LastYear = 1999 },
        new NthWeekdayHoliday("Coming of Age Day", 1, IsoDayOfWeek.Monday, 2) { FirstYear = 2000 },
        new FixedDateHoliday("National Foundation Day", 2, 11),

        // The Emperor's Birthday follows the reigning emperor: Akihito's December 23 through 2018, none in 2019 (he
        // abdicated on April 30 and Naruhito's birthday had passed), Naruhito's February 23 from 2020.
        new FixedDateHoliday("Emperor's Birthday", 2, 23) { FirstYear = 2020 },
        new EquinoxHoliday("Vernal Equinox Day", Autumnal: false),

        // April 29 was Greenery Day until 2006 and has been Showa Day since 2007, when Greenery Day moved to May 4.
        new FixedDateHoliday("Greenery Day", 4, 29) { LastYear = 2006 },
        new FixedDateHoliday("Showa Day", 4, 29) { FirstYear = 2007 },
        new FixedDateHoliday("Constitution Memorial Day", 5, 3),
        new FixedDateHoliday("Greenery Day", 5, 4) { FirstYear = 2007 },
        new FixedDateHoliday("Children's Day", 5, 5),

        // Marine Day from 1996; in the Olympic years it was moved to the opening ceremony's eve (2020-07-23, 2021-07-22).
        new FixedDateHoliday("Marine Day", 7, 20) { FirstYear = 1996, LastYear = 2002 },
        new NthWeekdayHoliday("Marine Day", 7, IsoDayOfWeek.Monday, 3) { FirstYear = 2003, LastYear = 2019 },
        new OneOffHoliday("Marine Day", new LocalDate(2020, 7, 23), new LocalDate(2021, 7, 22)),
        new NthWeekdayHoliday("Marine Day", 7, IsoDayOfWeek.Monday, 3) { FirstYear = 2022 },

        // Mountain Day from 2016; moved for the Olympics' closing to 2020-08-10 and 2021-08-08 (a Sunday, substituted on the 9th).
        new FixedDateHoliday("Mountain Day", 8, 11) { FirstYear = 2016, LastYear = 2019 },
        new OneOffHoliday("Mountain Day", new LocalDate(2020, 8, 10), new LocalDate(2021, 8, 8)),
        new FixedDateHoliday("Mountain Day", 8, 11) { FirstYear = 2022 },
        new FixedDateHoliday("Respect for the Aged Day", 9, 15) { LastYear = 2002 },
        new NthWeekdayHoliday("Respect for the Aged Day", 9, IsoDayOfWeek.Monday, 3) { FirstYear = 2003 },
        new EquinoxHoliday("Autumnal Equinox Day", Autumnal: true),

        // Health and Sports Day, renamed Sports Day in 2020; moved to the Olympics' opening day in 2020 and 2021.
        new FixedDateHoliday("Health and Sports Day", 10, 10) { LastYear = 1999 },
        new NthWeekdayHoliday("Health and Sports Day", 10, IsoDayOfWeek.Monday, 2) { FirstYear = 2000, LastYear = 2019 },
        new OneOffHoliday("Sports Day", new LocalDate(2020, 7, 24), new LocalDate(2021, 7, 23)),
        new NthWeekdayHoliday("Sports Day", 10, IsoDayOfWeek.Monday, 2) { FirstYear = 2022 },
        new FixedDateHoliday("Culture Day", 11, 3),
        new FixedDateHoliday("Labour Thanksgiving Day", 11, 23),
        new FixedDateHoliday("Emperor's Birthday", 12, 23) { LastYear = 2018 },

        new OneOffHoliday("Enthronement Ceremony of Emperor Akihito", new LocalDate(1990, 11, 12)),
        new OneOffHoliday("Wedding of Crown Prince Naruhito", new LocalDate(1993, 6, 9)),
        new OneOffHoliday("Enthronement of Emperor Naruhito", new LocalDate(2019, 5, 1)),
        new OneOffHoliday("Enthronement Ceremony of Emperor Naruhito", new LocalDate(2019, 10, 22)),
    ];

    /// <summary>The substitute holiday for a national holiday on a Sunday.</summary>
    public static HolidayRule Substitute { get; } = new SubstituteHoliday("Substitute holiday", National);

    /// <summary>The citizens' holiday between two national holidays.</summary>
    public static HolidayRule Citizens { get; } = new SandwichedHoliday("Citizens' holiday", National);
}
