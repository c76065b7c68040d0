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
        if (_options.Retention is { } retention) DeleteExpiredRuns(retention);
        return count;
    }

    /// <summary>Deletes finished runs that ended more than <paramref name="retention"/> ago, oldest first; returns how many.</summary>
    public int DeleteExpiredRuns(NodaTime.Duration retention)
    {
        var cutoff = _options.Clock.GetCurrentInstant() - retention;
        var deleted = 0;
        using var connection = _storage.GetConnection();
        foreach (var pipeline in _registry.All)
        {
            // Oldest logical dates first, 500 per pass: a pass that deletes them all leaves the next 500 for the next pass.
            var oldest = PipelineStore.OldestFirst(connection, PipelineStore.RunsKey(pipeline.Id), 500);
            foreach (var runId in oldest)
            {
                if (!Expired(connection, pipeline, runId, cutoff)) continue;
                // Checked again under the pipeline lock, which an operator's reopening of the run takes too.
                using var locked = StorageLocks.Acquire(_storage, connection, PipelineStore.PipelineLock(pipeline.Id), _options.LockTimeout);
                if (!Expired(connection, pipeline, runId, cutoff)) continue;
                using var transaction = connection.CreateWriteTransaction();
                PipelineStore.DeleteRun(transaction, pipeline, runId);
                transaction.Commit();
                deleted++;
            }
        }
        return deleted;
    }

    /// <summary>Finished before the cutoff, and not being run again (an operator's clear leaves tasks undone until the run reopens).</summary>
    private static bool Expired(global::Hangfire.Storage.IStorageConnection connection, PipelineDefinition pipeline, string runId, NodaTime.Instant cutoff)
    {
        var fields = connection.GetAllEntriesFromHash(PipelineStore.RunKey(pipeline.Id, runId));
        return fields is not null && fields.TryGetValue("state", out var state) && RunStates.Parse(state).IsFinished()
            && PipelineStore.ParseInstant(fields.GetValueOrDefault("endedAt")) is { } ended && ended <= cutoff
            && PipelineStore.AllTerminal(pipeline, PipelineStore.ReadTaskRecords(connection, pipeline.Id, runId));
    }
}
