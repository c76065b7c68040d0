using System.Collections.Concurrent;

namespace Pipelines.Hangfire.Tests.Infrastructure;

/// <summary>What test tasks did, by run and task, so tests can check each side effect happened exactly once.</summary>
public sealed class SideEffects
{
    private readonly ConcurrentDictionary<string, int> _counts = new();
    private readonly ConcurrentQueue<string> _log = new();

    public int Record(RunContext run, string what = "")
    {
        var key = $"{run.RunId}/{run.TaskId}{(what.Length > 0 ? "/" + what : "")}";
        _log.Enqueue(key);
        return _counts.AddOrUpdate(key, 1, (_, n) => n + 1);
    }

    public int Count(string runId, string taskId, string what = "") =>
        _counts.TryGetValue($"{runId}/{taskId}{(what.Length > 0 ? "/" + what : "")}", out var n) ? n : 0;

    public IReadOnlyDictionary<string, int> Counts => _counts;

    public IReadOnlyList<string> Log => _log.ToArray();

    /// <summary>Per-test switches, e.g. "fail Transform once".</summary>
    public ConcurrentDictionary<string, int> Flags { get; } = new();
}

/// <summary>Keeps every pipeline event it hears, for tests that count notifications.</summary>
public sealed class RecordingNotifier : Pipelines.Hangfire.IPipelineNotifier
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<Pipelines.PipelineEvent> _events = new();

    public IReadOnlyList<Pipelines.PipelineEvent> Events => _events.ToArray();

    public Task NotifyAsync(Pipelines.PipelineEvent pipelineEvent, CancellationToken cancellationToken)
    {
        _events.Enqueue(pipelineEvent);
        return Task.CompletedTask;
    }
}

