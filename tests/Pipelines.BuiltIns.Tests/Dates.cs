using System.Globalization;
using NodaTime.Text;

namespace Pipelines.BuiltIns.Tests;

/// <summary>Short ways to write the dates and times the specifications are stated in.</summary>
internal static class Dates
{
    public static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];

    public static readonly DateTimeZone Chicago = DateTimeZoneProviders.Tzdb["America/Chicago"];

    /// <summary>Parses <c>uuuu-MM-dd</c>.</summary>
    public static LocalDate D(string iso) => LocalDatePattern.Iso.Parse(iso).Value;

    /// <summary>Parses <c>MM-dd</c> in <paramref name="year"/>.</summary>
    public static LocalDate D(int year, string monthDay) => D($"{year:D4}-{monthDay}");

    /// <summary>Parses an instant such as <c>2024-03-08T14:30:00Z</c>.</summary>
    public static Instant I(string iso) => InstantPattern.General.Parse(iso).Value;

    /// <summary>Formats a zoned time in New York as <c>uuuu-MM-ddTHH:mm</c>, the way NYSE publishes it.</summary>
    public static string InNewYork(ZonedDateTime time) =>
        time.WithZone(NewYork).LocalDateTime.ToString("uuuu-MM-dd'T'HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Every Monday-Friday of <paramref name="year"/>.</summary>
    public static IEnumerable<LocalDate> WeekdaysOf(int year)
    {
        for (var date = new LocalDate(year, 1, 1); date.Year == year; date = date.PlusDays(1))
        {
            if (date.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday))
            {
                yield return date;
            }
        }
    }
}
