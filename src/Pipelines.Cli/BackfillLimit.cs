using NodaTime;
using Pipelines.Calendars;

namespace Pipelines.Cli;

/// <summary>
/// How many runs one backfill may create. Each run is created synchronously under the pipeline's lock, so an unbounded
/// range (0001-01-01..9999-12-31 is millions of runs) would hold a request, the lock and the storage for hours.
/// </summary>
internal static class BackfillLimit
{
    public const int MaxRuns = 1000;

    /// <summary>Why the backfill is refused, in one line that names the limit and the fix, or null when it is within the limit.</summary>
    public static string? Refusal(PipelineDefinition pipeline, LocalDate from, LocalDate to)
    {
        if (to < from || Count(pipeline, from, to) <= MaxRuns) return null;
        return $"a backfill creates at most {MaxRuns} runs, and {from:yyyy-MM-dd}..{to:yyyy-MM-dd} of '{pipeline.Id}' holds more; split the range into backfills of at most {MaxRuns} runs each.";
    }

    /// <summary>The runs the range would create, counted only up to one past the limit.</summary>
    private static long Count(PipelineDefinition pipeline, LocalDate from, LocalDate to)
    {
        var days = (long)Period.Between(from, to, PeriodUnits.Days).Days + 1;
        if (days <= MaxRuns || pipeline.Calendar is null || !ExchangeCalendar.TryGet(pipeline.Calendar, out var calendar)) return days;
        var count = 0L;
        for (var date = from; date <= to && count <= MaxRuns; date = date.PlusDays(1))
        {
            try
            {
                if (calendar.IsSession(date)) count++;
            }
            catch (UnsupportedDateException)
            {
                count++; // outside the calendar's years: counted as a run, so such a range is refused for its size, not later
            }
        }
        return count;
    }
}
