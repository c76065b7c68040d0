using System;
using Microsoft.Extensions.Logging;
using NodaTime;
using NodaTime.Text;
using Pipelines.Schedules;

namespace Pipelines.Calendars;

/// <summary>
/// Conditions on the run itself rather than on its data. <see cref="IsLatestRun(RunContext, IClock)"/> is Airflow's
/// <c>LatestOnlyOperator</c>: put it in front of side effects (messages, orders, e-mails) so that backfills and
/// catch-up runs do the data work but skip the side effects.
/// </summary>
/// <example>
/// <code>
/// public sealed partial class LunchBot(IClock clock)
/// {
///     [PipelineTask, Condition]
///     public bool IsMostRecentDay(RunContext run) => RunConditions.IsLatestRun(run, clock);
///
///     [PipelineTask, DependsOn(nameof(IsMostRecentDay))]
///     public Task PostReminder(RunContext run) { ... }   // skipped when backfilling last week
/// }
/// </code>
/// </example>
public static class RunConditions
{

    private static readonly InstantPattern s_instant = InstantPattern.General;

    private static readonly Action<ILogger, string, string, string, Exception?> s_notLatest = LoggerMessage.Define<string, string, string>(
        LogLevel.Information, new EventId(3, "NotTheLatestRun"),
        "Run {RunId} is not the latest: its data interval ended at {End} and the next scheduled run was due at {Next}.");

    /// <summary>
    /// Whether the run covers the most recent completed data interval of its pipeline's schedule as of
    /// <paramref name="clock"/>'s now: <see langword="true"/> until the schedule's next occurrence after the run's
    /// <see cref="RunContext.DataInterval"/> has come, <see langword="false"/> afterwards (a backfill or catch-up run).
    /// </summary>
    /// <param name="run">The run; the pipeline is looked up in <see cref="PipelineCatalog"/> by <see cref="RunContext.PipelineId"/>.</param>
    /// <param name="clock">The clock to read now from; inject <see cref="SystemClock.Instance"/>, and a FakeClock in tests.</param>
    /// <returns>
    /// <see langword="true"/> for the latest run, and for every run of a pipeline that has no recurring schedule
    /// (triggered by hand, or <c>@once</c>), since there is nothing newer for it to be behind.
    /// </returns>
    /// <exception cref="System.Collections.Generic.KeyNotFoundException">No loaded assembly defines the run's pipeline.</exception>
    /// <remarks>
    /// The next occurrence is the schedule's cron read in the pipeline's time zone, as the scheduler reads it. On a pipeline
    /// with a <see cref="PipelineDefinition.Calendar"/>, occurrences whose local date is not a session are passed over, as
    /// the scheduler creates no run for them: on Thanksgiving the Wednesday run is still the latest one. A session-relative
    /// schedule (<c>@session_close+00:30</c>, <c>@after_session 04:00</c>) uses <see cref="SessionSchedule.NextAfter"/>, as the scheduler does.
    /// </remarks>
    public static bool IsLatestRun(RunContext run, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(run);
        return IsLatestRun(run, PipelineCatalog.Get(run.PipelineId), clock);
    }

    /// <summary>
    /// Whether the run covers the most recent completed data interval of <paramref name="pipeline"/>'s schedule as of
    /// <paramref name="clock"/>'s now. See <see cref="IsLatestRun(RunContext, IClock)"/>.
    /// </summary>
    /// <param name="run">The run.</param>
    /// <param name="pipeline">The pipeline whose schedule decides what "latest" means.</param>
    /// <param name="clock">The clock to read now from.</param>
    /// <returns><see langword="true"/> for the latest run and for every run of an unscheduled pipeline.</returns>
    public static bool IsLatestRun(RunContext run, PipelineDefinition pipeline, IClock clock)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(clock);

        if (NextScheduledAfter(pipeline, run.DataInterval.End) is not { } next) return true;
        if (clock.GetCurrentInstant() < next) return true;

        s_notLatest(run.Logger, run.RunId, s_instant.Format(run.DataInterval.End), s_instant.Format(next), null);
        return false;
    }

    /// <summary>
    /// The first moment strictly after <paramref name="after"/> at which <paramref name="pipeline"/>'s schedule creates a
    /// run, or <see langword="null"/> when it has no recurring schedule or no further occurrence.
    /// </summary>
    /// <param name="pipeline">The pipeline.</param>
    /// <param name="after">The moment to look after, such as a run's data interval end.</param>
    /// <returns>The next run's schedule time, or <see langword="null"/>.</returns>
    public static Instant? NextScheduledAfter(PipelineDefinition pipeline, Instant after)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        // The timetable the scheduler creates runs from, so "latest" means what the scheduler does.
        return PipelineTimetable.For(pipeline)?.NextAfter(after)?.At;
    }
}
