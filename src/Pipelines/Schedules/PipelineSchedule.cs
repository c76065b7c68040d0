using System;
using Cronos;
using NodaTime;

namespace Pipelines.Schedules;

/// <summary>
/// A pipeline's schedule, parsed: by hand only, once, a cron expression read in the pipeline's time zone, or a time
/// relative to the sessions of the pipeline's calendar (<see cref="Session"/>).
/// </summary>
public sealed class PipelineSchedule
{
    private PipelineSchedule(string? text, CronExpression? cron, SessionTime? session, bool once, Assets.AssetExpression? assets = null)
    {
        Assets = assets;
        Text = text;
        Cron = cron;
        Session = session;
        IsOnce = once;
    }

    /// <summary>The schedule as written, or null for a pipeline triggered by hand only.</summary>
    public string? Text { get; }

    /// <summary>The cron expression, or null for manual, <c>@once</c> and session-relative schedules.</summary>
    public CronExpression? Cron { get; }

    /// <summary>
    /// For <c>@session_open±hh:mm</c>, <c>@session_close±hh:mm</c>, <c>@break_start±hh:mm</c>, <c>@break_end±hh:mm</c> and
    /// <c>@after_session hh:mm</c>: when in each session of
    /// the pipeline's calendar the schedule fires; null otherwise. Pipelines.BuiltIns' <c>SessionSchedule</c> turns it into instants.
    /// </summary>
    public SessionTime? Session { get; }

    /// <summary>Whether the schedule is relative to the sessions of the pipeline's calendar.</summary>
    public bool IsSessionRelative => Session is not null;

    /// <summary>
    /// For <c>@assets(...)</c> schedules: the asset condition that starts a run for a partition once it holds; null otherwise.
    /// A time part (<c>@assets(...) | 0 6 * * 1-5</c>) is in <see cref="Cron"/> or <see cref="Session"/>.
    /// </summary>
    internal Assets.AssetExpression? Assets { get; }

    /// <summary>
    /// The time part as written: the whole text for a schedule not on assets, the part after <c>|</c> for
    /// <c>@assets(...) | 0 6 * * 1-5</c>, and null for a schedule on assets only (or none).
    /// </summary>
    public string? TimeText => Assets is null ? Text
        : ScheduleSyntax.TrySplitAssets(Text!.Trim(), out _, out var time, out _) ? time : null;

    /// <summary>The assets an <c>@assets(...)</c> schedule reads, each once; empty for other schedules.</summary>
    public System.Collections.Generic.IReadOnlyList<string> AssetNames => Assets?.Names() ?? [];

    /// <summary>The asset condition, written plainly (<c>prices.daily &amp; fundamentals.daily</c>); null for other schedules.</summary>
    public string? AssetCondition => Assets?.ToString();

    /// <summary>
    /// Whether the asset condition holds when the assets <paramref name="arrived"/> names are the ones that have arrived
    /// (for one partition); false for a schedule not on assets.
    /// </summary>
    public bool AssetsMet(Func<string, bool> arrived) => Assets?.IsMet(arrived) ?? false;

    /// <summary>
    /// What the asset condition still waits for, in words (<c>fundamentals.daily</c>, <c>prices.daily or prices.intraday</c>),
    /// given the assets <paramref name="arrived"/> names; null when the condition holds or the schedule is not on assets.
    /// </summary>
    public string? AssetsAwaited(Func<string, bool> arrived) => Assets?.Remaining(arrived)?.ToWords();

    /// <summary>Whether the pipeline is scheduled on assets (it may also have a time part).</summary>
    public bool IsAssetScheduled => Assets is not null;

    /// <summary>Whether the pipeline runs once, at its start date.</summary>
    public bool IsOnce { get; }

    /// <summary>Whether the pipeline only runs when triggered.</summary>
    public bool IsManual => Text is null;

    /// <summary>Parses schedule text with the same rules the compile-time check uses.</summary>
    /// <exception cref="FormatException">The text is not a valid schedule; the message says why.</exception>
    public static PipelineSchedule Parse(string? text)
    {
        if (text is null) return new PipelineSchedule(null, null, null, false);
        if (!ScheduleSyntax.TryParse(text, out var cron, out var rule, out var assets, out var error))
            throw new FormatException($"Invalid schedule '{text}': {error}.");
        var session = rule is { } r ? SessionTime.From(r) : null;
        return new PipelineSchedule(text, cron, session, cron is null && session is null && assets is null, assets);
    }

    /// <summary>
    /// The first cron occurrence strictly after <paramref name="after"/>, read in <paramref name="zone"/>
    /// (so "0 4 * * *" in New York stays 04:00 local across daylight-saving changes); null when there is none, and for
    /// session-relative schedules, whose occurrences depend on a calendar (see Pipelines.BuiltIns' <c>SessionSchedule</c>).
    /// </summary>
    /// <remarks>
    /// Cron occurrences are expanded with the operating system's time zone rules (<see cref="TimeZoneInfo"/>), the rules
    /// Hangfire's recurring job that ticks the schedule fires by, so the two always agree on when a run is due; zone ids
    /// are checked against NodaTime's TZDB at compile time.
    /// </remarks>
    /// <exception cref="TimeZoneNotFoundException">The machine's time zone database lacks the zone; the message says how to fix it.</exception>
    public Instant? NextAfter(Instant after, DateTimeZone zone)
    {
        if (Cron is null) return null;
        var bcl = SystemZone(zone.Id);
        var next = Cron.GetNextOccurrence(after.ToDateTimeUtc(), bcl, inclusive: false);
        return next is null ? null : Instant.FromDateTimeUtc(next.Value);
    }

    /// <summary>The operating system's zone for an IANA id, or an exception that names the zone and the fix.</summary>
    /// <exception cref="TimeZoneNotFoundException">The machine's time zone database lacks the zone.</exception>
    public static TimeZoneInfo SystemZone(string zoneId)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new TimeZoneNotFoundException(
                $"This machine's time zone database has no zone '{zoneId}', which a pipeline schedule runs in (Hangfire's recurring jobs use the operating system's zones). " +
                "Install the tz database (Debian/Ubuntu: apt-get install tzdata; Alpine: apk add tzdata; containers: include /usr/share/zoneinfo), or point TZDIR at one.", e);
        }
    }
}
