using System.ComponentModel;
using Hangfire;

namespace Pipelines.Hangfire;

/// <summary>A recurring job that repairs unfinished runs left inconsistent by a crash between two coordination steps.</summary>
public sealed class PipelineReconciler
{
    private readonly JobStorage _storage;
    private readonly PipelineRegistry _registry;
    private readonly RunCoordinator _coordinator;

    internal PipelineReconciler(JobStorage storage, PipelineRegistry registry, RunCoordinator coordinator)
    {
        _storage = storage;
        _registry = registry;
        _coordinator = coordinator;
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
            _coordinator.Reconcile(pipeline, member[(separator + 1)..]);
            count++;
        }
        return count;
    }
}
