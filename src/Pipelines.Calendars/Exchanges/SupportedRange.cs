using NodaTime;

namespace Pipelines.Calendars;

/// <summary>The dates the built-in calendars' data has been checked for.</summary>
internal static class SupportedRange
{
    public static readonly LocalDate First = new(1990, 1, 1);

    public static readonly LocalDate Last = new(2035, 12, 31);
}
