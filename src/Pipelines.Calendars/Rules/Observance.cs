namespace Pipelines.Calendars;

/// <summary>Where a holiday that falls on a weekend is observed.</summary>
public enum Observance
{
    /// <summary>Not moved: a holiday on a weekend is simply not observed.</summary>
    None,

    /// <summary>Sunday moves to Monday; Saturday is not observed (NYSE's New Year's Day, SIFMA's Veterans Day).</summary>
    SundayToMonday,

    /// <summary>Saturday moves to the Friday before and Sunday to the Monday after (the usual US rule).</summary>
    NearestWeekday,

    /// <summary>Saturday and Sunday both move to the Monday after (England and Wales: New Year's Day).</summary>
    WeekendToMonday,

    /// <summary>
    /// Saturday and Sunday both move two days on, to Monday and Tuesday (England and Wales: Christmas Day and Boxing
    /// Day, whose substitutes must step past each other).
    /// </summary>
    WeekendPlusTwoDays,
}
