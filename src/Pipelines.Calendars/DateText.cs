using System.Globalization;
using NodaTime;
using NodaTime.Text;

namespace Pipelines.Calendars;

/// <summary>Formats dates the same way in every message: ISO <c>uuuu-MM-dd</c>, invariant culture.</summary>
internal static class DateText
{
    private static readonly LocalDatePattern Pattern = LocalDatePattern.Create("uuuu'-'MM'-'dd", CultureInfo.InvariantCulture);

    public static string Of(LocalDate date) => Pattern.Format(date);

    public static string DayName(LocalDate date) => date.DayOfWeek.ToString();
}
