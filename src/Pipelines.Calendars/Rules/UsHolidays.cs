using NodaTime;

namespace Pipelines.Calendars;

/// <summary>
/// The US holidays that American market calendars are built from, as rules with their usual observance.
/// Calendars adjust them with <c>with</c>, for example <c>UsHolidays.MartinLutherKingDay with { FirstYear = 1998 }</c>.
/// </summary>
public static class UsHolidays
{
    /// <summary>January 1; a Sunday is observed on Monday, a Saturday is not observed on the Friday before.</summary>
    public static readonly HolidayRule NewYearsDay = new FixedDateHoliday("New Year's Day", 1, 1) { Observance = Observance.SundayToMonday };

    /// <summary>Third Monday of January.</summary>
    public static readonly HolidayRule MartinLutherKingDay = new NthWeekdayHoliday("Martin Luther King Jr. Day", 1, IsoDayOfWeek.Monday, 3);

    /// <summary>Third Monday of February (Presidents Day).</summary>
    public static readonly HolidayRule WashingtonsBirthday = new NthWeekdayHoliday("Washington's Birthday", 2, IsoDayOfWeek.Monday, 3);

    /// <summary>Two days before Easter Sunday.</summary>
    public static readonly HolidayRule GoodFriday = new EasterOffsetHoliday("Good Friday", -2);

    /// <summary>Last Monday of May.</summary>
    public static readonly HolidayRule MemorialDay = new LastWeekdayHoliday("Memorial Day", 5, IsoDayOfWeek.Monday);

    /// <summary>June 19, nearest weekday; a federal holiday from 2021, observed by US markets from 2022.</summary>
    public static readonly HolidayRule Juneteenth = new FixedDateHoliday("Juneteenth National Independence Day", 6, 19) { Observance = Observance.NearestWeekday, FirstYear = 2022 };

    /// <summary>July 4, nearest weekday.</summary>
    public static readonly HolidayRule IndependenceDay = new FixedDateHoliday("Independence Day", 7, 4) { Observance = Observance.NearestWeekday };

    /// <summary>First Monday of September.</summary>
    public static readonly HolidayRule LaborDay = new NthWeekdayHoliday("Labor Day", 9, IsoDayOfWeek.Monday, 1);

    /// <summary>Second Monday of October.</summary>
    public static readonly HolidayRule ColumbusDay = new NthWeekdayHoliday("Columbus Day", 10, IsoDayOfWeek.Monday, 2);

    /// <summary>November 11; a Sunday is observed on Monday, a Saturday is not observed (SIFMA's practice).</summary>
    public static readonly HolidayRule VeteransDay = new FixedDateHoliday("Veterans Day", 11, 11) { Observance = Observance.SundayToMonday };

    /// <summary>Fourth Thursday of November.</summary>
    public static readonly HolidayRule ThanksgivingDay = new NthWeekdayHoliday("Thanksgiving Day", 11, IsoDayOfWeek.Thursday, 4);

    /// <summary>December 25, nearest weekday.</summary>
    public static readonly HolidayRule ChristmasDay = new FixedDateHoliday("Christmas Day", 12, 25) { Observance = Observance.NearestWeekday };
}
