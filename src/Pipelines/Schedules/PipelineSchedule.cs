using System;
using Cronos;
using NodaTime;

namespace Pipelines.Schedules;

/// <summary>A pipeline's schedule, parsed: by hand only, once, or a cron expression read in the pipeline's time zone.</summary>
public sealed class PipelineSchedule
{
    private PipelineSchedule(string? text, CronExpression? cron, bool once)
    {
        Text = text;
        Cron = cron;
        IsOnce = once;
    }

    /// <summary>The schedule as written, or null for a pipeline triggered by hand only.</summary>
    public string? Text { get; }

    /// <summary>The cron expression, or null for manual and <c>@once</c> schedules.</summary>
    public CronExpression? Cron { get; }

    /// <summary>Whether the pipeline runs once, at its start date.</summary>
    public bool IsOnce { get; }

    /// <summary>Whether the pipeline only runs when triggered.</summary>
    public bool IsManual => Text is null;

    /// <summary>Parses schedule text with the same rules the compile-time check uses.</summary>
    /// <exception cref="FormatException">The text is not a valid schedule; the message says why.</exception>
    public static PipelineSchedule Parse(string? text)
    {
        if (text is null) return new PipelineSchedule(null, null, false);
        if (!ScheduleSyntax.TryParse(text, out var cron, out var error))
            throw new FormatException($"Invalid schedule '{text}': {error}.");
        return new PipelineSchedule(text, cron, cron is null);
    }

    /// <summary>
    /// The first cron occurrence strictly after <paramref name="after"/>, read in <paramref name="zone"/>
    /// (so "0 4 * * *" in New York stays 04:00 local across daylight-saving changes); null when there is none.
    /// </summary>
    public Instant? NextAfter(Instant after, DateTimeZone zone)
    {
        if (Cron is null) return null;
        var bcl = TimeZoneInfo.FindSystemTimeZoneById(zone.Id);
        var next = Cron.GetNextOccurrence(after.ToDateTimeUtc(), bcl, inclusive: false);
        return next is null ? null : Instant.FromDateTimeUtc(next.Value);
    }
}
