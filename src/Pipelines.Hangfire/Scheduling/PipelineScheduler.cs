using System;
using System.Collections.Generic;
using System.ComponentModel;
using System.Globalization;
using Hangfire;
using NodaTime;
using NodaTime.Text;
using Pipelines.Calendars;
using Pipelines.Schedules;

namespace Pipelines.Hangfire;

/// <summary>
/// Turns schedule ticks into runs. Each scheduled pipeline has a Hangfire recurring job that calls <see cref="Tick"/>;
/// the tick works out which schedule occurrences are due (all missed ones with catch-up, else the latest) and creates one
/// run per occurrence with a run id derived from it, so a tick seen twice (two servers, a restart) still makes one run.
/// A paused pipeline's tick does nothing (<see cref="PipelineOperations.Pause"/>).
/// Session-relative schedules (<c>@session_close+00:30</c>) take their occurrences from <see cref="SessionSchedule"/>.
/// </summary>
public sealed class PipelineScheduler
{
    // Local time and offset: a fall-back night has two 01:00s, one occurrence (and one run) each.
    private const int MaxRunsPerTick = 1000;

    /// <summary>How far behind the scheduling server's clock a ticking server's clock may be for a cron occurrence.</summary>
    public static readonly Duration ClockSkewAllowance = Duration.FromSeconds(30);

    private readonly PipelineRegistry _registry;
    private readonly PipelineOperations _operations;
    private readonly PipelinesOptions _options;
    private readonly JobStorage _storage;

    internal PipelineScheduler(PipelineRegistry registry, PipelineOperations operations, PipelinesOptions options, JobStorage storage)
    {
        _registry = registry;
        _operations = operations;
        _options = options;
        _storage = storage;
    }

    /// <summary>The recurring job's id for a pipeline.</summary>
    public static string RecurringJobId(string pipelineId) => "pipeline:" + pipelineId;

    /// <summary>
    /// Called by the pipeline's recurring job: creates the runs that are due now. A tick that fails (a busy lock, a
    /// database failing over) is tried again a few times, soon: without catch-up the next tick would only see the
    /// occurrence after this one, so this one would be lost. Retrying is safe because runs are created before the
    /// schedule mark moves and are found by their run ids.
    /// </summary>
    [DisplayName("schedule {0}")]
    [AutomaticRetry(Attempts = 3, DelaysInSeconds = new[] { 1, 5, 15 })]
    public void Tick(string pipelineId) => TickAt(pipelineId, _options.Clock.GetCurrentInstant(), firedBySchedule: true);

    /// <summary>
    /// Creates the runs due at <paramref name="now"/> and returns their ids (existing ones included).
    /// <paramref name="firedBySchedule"/> says Hangfire fired this tick for a cron occurrence, which may then be up to
    /// <see cref="ClockSkewAllowance"/> ahead of this server's clock; any other tick (catch-up at start-up) sees only
    /// what is due by its own clock, so it never starts a run early.
    /// </summary>
    public IReadOnlyList<string> TickAt(string pipelineId, Instant now, bool firedBySchedule = false)
    {
        var pipeline = _registry.Get(pipelineId);
        if (PipelineTimetable.For(pipeline) is not { } timetable) return Array.Empty<string>();
        var zone = timetable.Zone;
        // Hangfire fires a cron schedule's recurring job at the occurrence by the clock of the server that schedules it;
        // the tick may run on another server whose clock is a little behind, and must still see the occurrence as due.
        // Session-relative schedules tick every minute and decide for themselves, so they get no such allowance.
        var horizon = firedBySchedule && PipelineTimes.Of(pipeline).Schedule.Cron is not null ? now + ClockSkewAllowance : now;

        var runIds = new List<string>();
        using (var connection = _storage.GetConnection())
        using (StorageLocks.Acquire(_storage, connection, PipelineStore.PipelineLock(pipeline.Id) + ":schedule", _options.LockTimeout))
        {
            // A paused pipeline's tick creates nothing and leaves the mark where it is: unpaused with catch-up, the next
            // tick creates every occurrence missed meanwhile; without, only the latest.
            if (PipelinePause.Read(connection, pipeline).Paused) return Array.Empty<string>();

            var fields = connection.GetAllEntriesFromHash(PipelineStore.ScheduleKey);
            var last = fields is not null && fields.TryGetValue(pipeline.Id, out var text) ? PipelineStore.ParseInstant(text) : null;

            // Without a mark, occurrences count from the start date; a session firing can come before its session's date
            // begins (an offset before a CME open the evening before), so it starts a few days early and the timetable
            // applies the start date to each occurrence's logical date.
            var from = last ?? (pipeline.StartDate is { } startDate ? startDate.PlusDays(-2).AtStartOfDayInZone(zone).ToInstant() : now - Duration.FromDays(8));
            List<SessionOccurrence> due;
            if (pipeline.Catchup)
            {
                due = new List<SessionOccurrence>();
                for (var next = timetable.NextAfter(from); next is { } o && o.At <= horizon && due.Count < MaxRunsPerTick; next = timetable.NextAfter(o.At))
                    due.Add(o);
            }
            else
            {
                // Only the latest due occurrence, found near now rather than by walking from a mark that may be months old.
                due = LatestDue(timetable, from, horizon) is { } latest ? new List<SessionOccurrence> { latest } : new List<SessionOccurrence>();
            }
            if (due.Count == 0) return Array.Empty<string>();

            // Runs first, then the mark: if creating a run fails, the next tick tries the same occurrences again, and
            // the ones already created are found by their run ids rather than made twice.
            foreach (var occurrence in due)
            {
                var runId = RunId.ScheduledAt(occurrence.At.InZone(zone).ToOffsetDateTime()).Value;
                runIds.Add(_operations.Create(pipeline.Id, occurrence.Session, null, RunKind.Scheduled, occurrence.DataInterval, runId, null, occurrence.At));
            }
            using var transaction = connection.CreateWriteTransaction();
            transaction.SetRangeInHash(PipelineStore.ScheduleKey, new Dictionary<string, string> { [pipeline.Id] = PipelineStore.Format(due[^1].At) });
            transaction.Commit();
        }
        return runIds;
    }

    /// <summary>
    /// The latest occurrence in (<paramref name="floor"/>, <paramref name="horizon"/>], looked for in windows that end at
    /// the horizon and grow fourfold from an hour, so the walk covers a few times the distance to that occurrence, not the
    /// distance to the floor. A window must hold two occurrences (or reach the floor): the one before the latest starts its
    /// data interval, as it would have in a walk.
    /// </summary>
    private static SessionOccurrence? LatestDue(PipelineTimetable timetable, Instant floor, Instant horizon)
    {
        for (var width = Duration.FromHours(1); ; width *= 4)
        {
            var start = horizon - width <= floor ? floor : horizon - width;
            SessionOccurrence? latest = null;
            var count = 0;
            for (var next = timetable.NextAfter(start); next is { } o && o.At <= horizon; next = timetable.NextAfter(o.At))
            {
                latest = o;
                count++;
            }
            if (count >= 2 || start == floor) return latest;
        }
    }

    internal static string Invariant(Instant instant) => instant.ToString("g", CultureInfo.InvariantCulture);
}
