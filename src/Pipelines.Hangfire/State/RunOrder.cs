using System;
using System.Collections.Generic;
using Hangfire.Storage;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// The order of a pipeline's runs that depends-on-past follows (<see cref="PreviousRunTaskDone"/>): by logical date, as
/// Airflow orders DAG runs, then, for runs sharing a logical date (manual runs of a date that has one already), by when
/// they were created, then by run id. A run's previous run is the one just before it in this order; for a calendar
/// pipeline, whose runs fall on sessions, that is the previous session's run when it exists.
/// </summary>
/// <remarks>
/// Read from the run index (<see cref="PipelineStore.RunsKey"/>, scored by days since the epoch): the runs of this run's
/// own date, then the nearest earlier (or later) date within a week, then the whole index. A daily pipeline's lookup is
/// two range reads and one run record; the creation time is read only for runs that share a date.
/// </remarks>
internal static class RunOrder
{
    // A score's fraction is the creation time of day: at most 86,399,999 / 86,400,000 (about 1 - 1.2e-8). Doubles near
    // 100,000 days resolve about 1.5e-11, so 1e-9 below the next day still includes every run of the day.
    private const double DayEnd = 1 - 1e-9;
    private const double NearWindow = 8;

    /// <summary>The run just before <paramref name="runId"/> (whose record is <paramref name="run"/>), with its task records, or null when it is the first.</summary>
    public static PreviousRun? Previous(IStorageConnection connection, string pipelineId, string runId, RunRecord run)
    {
        if (Neighbour(connection, pipelineId, runId, run, before: true) is not var (id, record)) return null;
        return new PreviousRun(id, record.LogicalDateText, PipelineStore.ReadTaskRecords(connection, pipelineId, id));
    }

    /// <summary>The run just after <paramref name="runId"/>, or null when it is the last (or has no record).</summary>
    public static string? Next(IStorageConnection connection, string pipelineId, string runId)
    {
        if (PipelineStore.ReadRunRecord(connection, pipelineId, runId) is not { } run) return null;
        return Neighbour(connection, pipelineId, runId, run, before: false)?.RunId;
    }

    private static (string RunId, RunRecord Record)? Neighbour(IStorageConnection connection, string pipelineId, string runId, RunRecord run, bool before)
    {
        if (connection is not JobStorageConnection storage || KeyOf(runId, run) is not { } mine) return null;
        var index = PipelineStore.RunsKey(pipelineId);
        var total = (int)storage.GetSetCount(index);
        if (total <= 1) return null;
        var day = Day(mine.Date);

        // Runs of the same logical date, ordered by creation.
        if (Closest(connection, pipelineId, storage.GetFirstByLowestScoreFromSet(index, day, day + DayEnd, total), mine, before) is { } sameDate) return sameDate;

        // The nearest other date: a week away first (a daily pipeline's neighbour), then anywhere.
        foreach (var window in new[] { NearWindow, double.PositiveInfinity })
        {
            var ids = before
                ? storage.GetFirstByLowestScoreFromSet(index, double.IsInfinity(window) ? double.MinValue : day - window, day - 1e-9, total)
                : storage.GetFirstByLowestScoreFromSet(index, day + 1, double.IsInfinity(window) ? double.MaxValue : day + 1 + window - 1e-9, total);
            if (ids.Count == 0) continue;
            var edge = before ? ids[^1] : ids[0];
            var edgeRecord = PipelineStore.ReadRunRecord(connection, pipelineId, edge);
            if (edgeRecord is null || KeyOf(edge, edgeRecord) is not { } edgeKey) return null;
            var edgeDay = Day(edgeKey.Date);
            var sameDay = storage.GetFirstByLowestScoreFromSet(index, edgeDay, edgeDay + DayEnd, total);
            return sameDay.Count <= 1 ? (edge, edgeRecord) : Closest(connection, pipelineId, sameDay, mine, before);
        }
        return null;
    }

    /// <summary>Of <paramref name="ids"/>, the run closest before (or after) <paramref name="mine"/> in the order, or null.</summary>
    private static (string RunId, RunRecord Record)? Closest(IStorageConnection connection, string pipelineId, List<string> ids, Key mine, bool before)
    {
        (string RunId, RunRecord Record, Key Key)? best = null;
        foreach (var id in ids)
        {
            if (id == mine.RunId) continue;
            var record = PipelineStore.ReadRunRecord(connection, pipelineId, id);
            if (record is null || KeyOf(id, record) is not { } key) continue;
            var sideOk = before ? key.CompareTo(mine) < 0 : key.CompareTo(mine) > 0;
            if (!sideOk) continue;
            if (best is null || (before ? key.CompareTo(best.Value.Key) > 0 : key.CompareTo(best.Value.Key) < 0)) best = (id, record, key);
        }
        return best is { } b ? (b.RunId, b.Record) : null;
    }

    private static double Day(LocalDate date) => Period.DaysBetween(new LocalDate(1970, 1, 1), date);

    private static Key? KeyOf(string runId, RunRecord run) =>
        run.LogicalDate is { } date
            ? new Key(date, run.CreatedAt ?? Instant.MinValue, runId)
            : null;

    private readonly record struct Key(LocalDate Date, Instant CreatedAt, string RunId) : IComparable<Key>
    {
        public int CompareTo(Key other)
        {
            var byDate = Date.CompareTo(other.Date);
            if (byDate != 0) return byDate;
            var byCreation = CreatedAt.CompareTo(other.CreatedAt);
            return byCreation != 0 ? byCreation : string.CompareOrdinal(RunId, other.RunId);
        }
    }
}
