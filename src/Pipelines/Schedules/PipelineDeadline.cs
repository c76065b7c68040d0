using System;
using NodaTime;

namespace Pipelines.Schedules;

/// <summary>
/// A deadline, parsed (<see cref="DeadlineSyntax"/>): a time of day (the first one after the run's data interval ends), or a time relative
/// to the logical date's session. Pipelines.BuiltIns' <c>DeadlineSchedule</c> turns it into an instant for a run.
/// </summary>
public sealed class PipelineDeadline
{
    private PipelineDeadline(string text, SessionTime time)
    {
        Text = text;
        Time = time;
    }

    /// <summary>The deadline as written.</summary>
    public string Text { get; }

    /// <summary>When it falls, in the terms of a session-relative schedule (<see cref="SessionAnchor.After"/> for <c>hh:mm</c>).</summary>
    public SessionTime Time { get; }

    /// <summary>Whether it is measured from a session of the pipeline's calendar.</summary>
    public bool IsSessionRelative => Time.Anchor != SessionAnchor.After;

    /// <summary>Parses deadline text with the same rules the compile-time check uses; null for null.</summary>
    /// <exception cref="FormatException">The text is not a valid deadline; the message says why.</exception>
    public static PipelineDeadline? Parse(string? text)
    {
        if (text is null) return null;
        if (!DeadlineSyntax.TryParse(text, out var rule, out var error))
            throw new FormatException($"Invalid deadline '{text}': {error}.");
        return new PipelineDeadline(text.Trim(), SessionTime.From(rule));
    }

    /// <summary>
    /// For a deadline that is not session-relative: the instant it falls for <paramref name="logicalDate"/>, at its time of
    /// day on the next day in <paramref name="zone"/> (a time skipped by a daylight-saving change moves later, as the
    /// schedule's own times do).
    /// </summary>
    /// <exception cref="InvalidOperationException">The deadline is session-relative; resolve it with the pipeline's calendar.</exception>
    public Instant OnDayAfter(LocalDate logicalDate, DateTimeZone zone)
    {
        if (IsSessionRelative) throw new InvalidOperationException($"Deadline '{Text}' is relative to a session; resolve it with the pipeline's calendar.");
        return logicalDate.PlusDays(1).At(Time.TimeOfDay).InZoneLeniently(zone).ToInstant();
    }

    /// <summary>
    /// For a deadline that is not session-relative: the first instant strictly after <paramref name="after"/> at its time
    /// of day in <paramref name="zone"/> (read leniently, as <see cref="OnDayAfter"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">The deadline is session-relative; resolve it with the pipeline's calendar.</exception>
    public Instant FirstAfter(Instant after, DateTimeZone zone)
    {
        if (IsSessionRelative) throw new InvalidOperationException($"Deadline '{Text}' is relative to a session; resolve it with the pipeline's calendar.");
        var day = after.InZone(zone).Date;
        var candidate = day.At(Time.TimeOfDay).InZoneLeniently(zone).ToInstant();
        return candidate > after ? candidate : day.PlusDays(1).At(Time.TimeOfDay).InZoneLeniently(zone).ToInstant();
    }

    /// <inheritdoc />
    public override string ToString() => Text;
}
