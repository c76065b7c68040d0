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
}
