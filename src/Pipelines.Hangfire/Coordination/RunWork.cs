using System.Collections.Generic;
using System.Linq;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// A run's task instances, read under the run's lock, with the changes a coordination step makes to them.
/// Everything recorded here is written in one storage transaction.
/// </summary>
internal sealed class RunWork
{
    private readonly HashSet<string> _changed = new(System.StringComparer.Ordinal);

    public RunWork(PipelineDefinition pipeline, string runId, RunState runState, Dictionary<string, TaskInstance> tasks, Instant now)
    {
        Pipeline = pipeline;
        RunId = runId;
        RunState = runState;
        Tasks = tasks;
        Now = now;
    }

    public PipelineDefinition Pipeline { get; }
    public string RunId { get; }
    public Instant Now { get; }
    public Dictionary<string, TaskInstance> Tasks { get; }

    /// <summary>The run's state; set to finished by the coordinator when every task is terminal.</summary>
    public RunState RunState { get; set; }

    /// <summary>Whether the run's state changed in this step.</summary>
    public bool RunStateChanged { get; set; }

    /// <summary>Jobs to create for tasks that became queued, or whose next try or poke is due later.</summary>
    public List<PendingJob> Jobs { get; } = new();

    /// <summary>Outputs to record.</summary>
    public Dictionary<string, string> Outputs { get; } = new(System.StringComparer.Ordinal);

    /// <summary>Events to send once the lock is released.</summary>
    public List<PipelineEvent> Events { get; } = new();

    public IEnumerable<TaskInstance> Changed => _changed.Select(id => Tasks[id]);

    public bool HasChanges => _changed.Count > 0 || RunStateChanged || Outputs.Count > 0;

    public TaskInstance this[string taskId] => Tasks[taskId];

    public void Set(TaskInstance task)
    {
        Tasks[task.TaskId] = task;
        _changed.Add(task.TaskId);
    }

    public void Event(PipelineEventKind kind, string? taskId, string state, string message) =>
        Events.Add(new PipelineEvent(kind, Pipeline.Id, RunId, taskId, state, message, Now));
}

/// <summary>A Hangfire job to create for a task's try: now, or after a delay.</summary>
internal readonly record struct PendingJob(string TaskId, int TryNumber, Duration? Delay);
