using System.Collections.Generic;
using System.ComponentModel;
using Hangfire;

namespace Pipelines.Hangfire;

/// <summary>A recurring job that repairs unfinished runs left inconsistent by a crash between two coordination steps.</summary>
public sealed class PipelineReconciler
{
    private readonly JobStorage _storage;
    private readonly PipelineRegistry _registry;
    private readonly RunCoordinator _coordinator;
    private readonly PipelinesOptions _options;

    internal PipelineReconciler(JobStorage storage, PipelineRegistry registry, RunCoordinator coordinator, PipelinesOptions options)
    {
        _storage = storage;
        _registry = registry;
        _coordinator = coordinator;
        _options = options;
    }

    /// <summary>Raises the deadlines missed since the last pass, after the runs are reconciled; null when not wired.</summary>
    internal DeadlineWatcher? Deadlines { get; init; }

    /// <summary>Reconciles every unfinished run; returns how many runs it looked at.</summary>
    [DisplayName("reconcile pipeline runs")]
    [AutomaticRetry(Attempts = 0)]
    [DisableConcurrentExecution(60)]
    public int Run()
    {
        System.Collections.Generic.HashSet<string> unfinished;
        using (var connection = _storage.GetConnection())
        {
            unfinished = connection.GetAllItemsFromSet(PipelineStore.UnfinishedKey);
        }
        var count = 0;
        foreach (var member in unfinished)
        {
            var separator = member.IndexOf('|', System.StringComparison.Ordinal);
            if (separator < 0 || !_registry.TryGet(member[..separator], out var pipeline)) continue;
            try
            {
                _coordinator.Reconcile(pipeline, member[(separator + 1)..]);
                count++;
            }
            catch (System.Exception ex) when (ex is not System.OperationCanceledException)
            {
                // One run that cannot be repaired now (a lock timeout) must not stop the others; the next pass retries.
            }
        }
        // A crash between finishing a run and starting the runs waiting for its slot leaves them queued: start them.
        foreach (var pipeline in _registry.All) _coordinator.StartWaitingRuns(pipeline);
        // Slots held by tries that no longer run (a crash after a step), and waiters a lost wake-up left behind.
        try
        {
            _coordinator.RepairSlots();
        }
        catch (System.Exception ex) when (ex is not System.OperationCanceledException)
        {
            // A busy slot lock: the next pass repairs.
        }
        // Asset events whose consumers a crash or a busy lock left unjudged after the event's commit.
        try
        {
            _coordinator.Assets?.JudgeUnjudged();
        }
        catch (System.Exception ex) when (ex is not System.OperationCanceledException)
        {
            // The events stay listed as unjudged; the next pass judges them.
        }
        // Deadlines are judged after the repairs, so a run a crash left unfinished but done is not reported late.
        try
        {
            if (Deadlines is { HasWork: true } deadlines) deadlines.Pass();
        }
        catch (System.Exception ex) when (ex is not System.OperationCanceledException)
        {
            // The storage is busy, say: the watermark has not moved, so the next pass judges the same occurrences.
        }
        if (_options.Retention is { } retention) DeleteExpiredRuns(retention);
        // The health check reports a reconciler that has stopped passing.
        using (var connection = _storage.GetConnection())
        using (var transaction = connection.CreateWriteTransaction())
        {
            transaction.SetRangeInHash(PipelineStore.ReconcilerKey, new Dictionary<string, string> { ["lastPass"] = PipelineStore.Format(_options.Clock.GetCurrentInstant()) });
            transaction.Commit();
        }
        return count;
    }

    /// <summary>
    /// Deletes finished runs that ended more than <paramref name="retention"/> ago, oldest logical date first; returns how
    /// many. Runs are read in pages of 500 by score, past the ones that must stay (unfinished, or finished recently), so
    /// a long stretch of runs that must stay never hides older expired ones behind it. A run an operator is running again
    /// is listed as unfinished, and stays.
    /// </summary>
    public int DeleteExpiredRuns(NodaTime.Duration retention)
    {
        const int Page = 500;
        var cutoff = _options.Clock.GetCurrentInstant() - retention;
        // A run's logical date may lie after its end only when it was triggered for a future date; two days of slack
        // keep the scan from reading every newer run, which cannot have ended before the cutoff.
        var lastScore = PipelineStore.Score(cutoff.InUtc().Date.PlusDays(2), NodaTime.Instant.FromUnixTimeTicks(0));
        var deleted = 0;
        using var connection = _storage.GetConnection();
        if (connection is not global::Hangfire.Storage.JobStorageConnection scores) return 0;
        var unfinished = connection.GetAllItemsFromSet(PipelineStore.UnfinishedKey);
        foreach (var pipeline in _registry.All)
        {
            var from = double.MinValue;
            var seen = new HashSet<string>(System.StringComparer.Ordinal);
            while (true)
            {
                var page = scores.GetFirstByLowestScoreFromSet(PipelineStore.RunsKey(pipeline.Id), from, lastScore, Page);
                var fresh = 0;
                foreach (var runId in page)
                {
                    if (!seen.Add(runId)) continue;
                    fresh++;
                    if (unfinished.Contains(PipelineStore.UnfinishedMember(pipeline.Id, runId)) || !Expired(connection, pipeline, runId, cutoff)) continue;
                    // Checked again under the pipeline lock, which an operator's reopening of the run takes too.
                    using var locked = StorageLocks.Acquire(_storage, connection, PipelineStore.PipelineLock(pipeline.Id), _options.LockTimeout);
                    if (IsUnfinished(connection, pipeline.Id, runId) || !Expired(connection, pipeline, runId, cutoff)) continue;
                    using var transaction = connection.CreateWriteTransaction();
                    PipelineStore.DeleteRun(connection, transaction, pipeline, runId);
                    transaction.Commit();
                    deleted++;
                }
                if (page.Count < Page || fresh == 0) break;
                // The next page starts at the last score read; runs with that same score are skipped as seen.
                from = RunScore(scores, pipeline.Id, page[^1]) ?? double.MaxValue;
            }
        }
        return deleted;
    }

    private static double? RunScore(global::Hangfire.Storage.JobStorageConnection connection, string pipelineId, string runId) =>
        PipelineStore.ReadRunRecord(connection, pipelineId, runId)?.Score;

    private static bool IsUnfinished(global::Hangfire.Storage.IStorageConnection connection, string pipelineId, string runId) =>
        connection.GetAllItemsFromSet(PipelineStore.UnfinishedKey).Contains(PipelineStore.UnfinishedMember(pipelineId, runId));

    /// <summary>
    /// Finished before the cutoff. (Whether every task has a record does not matter: a run from before a task was added to
    /// the pipeline has none for it, and must still expire.)
    /// </summary>
    private static bool Expired(global::Hangfire.Storage.IStorageConnection connection, PipelineDefinition pipeline, string runId, NodaTime.Instant cutoff)
    {
        var run = PipelineStore.ReadRunRecord(connection, pipeline.Id, runId);
        return run?.State is { } state && state.IsFinished() && run.EndedAt is { } ended && ended <= cutoff;
    }
}
