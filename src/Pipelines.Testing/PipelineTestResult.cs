using System;
using System.Collections.Generic;
using System.Linq;
using NodaTime;
using Pipelines.Hangfire;

namespace Pipelines.Testing;

/// <summary>A whole run in a test: its outcome and every task's state, output and log.</summary>
/// <example><code>
/// Assert.Equal(RunState.Success, result.State);
/// Assert.Equal(TaskState.Skipped, result["PostMeetingNotice"].State);
/// var file = result.Output&lt;FundamentalsFile&gt;("IngestFundamentals");
/// </code></example>
public sealed class PipelineTestResult
{
    private readonly Dictionary<string, TaskTestResult> _byId;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<TaskTestResult>> _instances;

    internal PipelineTestResult(PipelineDefinition pipeline, string runId, LocalDate logicalDate, RunState state, string message, IReadOnlyList<TaskTestResult> tasks, IReadOnlyDictionary<string, IReadOnlyList<TaskTestResult>> instances, Instant finishedAt)
    {
        _instances = instances;
        Pipeline = pipeline;
        RunId = runId;
        LogicalDate = logicalDate;
        State = state;
        Message = message;
        Tasks = tasks;
        FinishedAt = finishedAt;
        _byId = tasks.ToDictionary(t => t.TaskId, StringComparer.Ordinal);
    }

    /// <summary>The pipeline that ran.</summary>
    public PipelineDefinition Pipeline { get; }

    /// <summary>The run id the runtime gave the run.</summary>
    public string RunId { get; }

    /// <summary>The run's logical date.</summary>
    public LocalDate LogicalDate { get; }

    /// <summary>How the run ended, by its leaf tasks as on a server: success or failed.</summary>
    public RunState State { get; }

    /// <summary>The runtime's sentence for the outcome, naming the leaf tasks that failed.</summary>
    public string Message { get; }

    /// <summary>Every task, in the pipeline's topological order.</summary>
    public IReadOnlyList<TaskTestResult> Tasks { get; }

    /// <summary>The test clock's time when the run ended: the retry delays and sensor waits it went through, without waiting.</summary>
    public Instant FinishedAt { get; }

    /// <summary>The task with the given id.</summary>
    /// <exception cref="ArgumentException">The pipeline has no such task; the message lists its tasks.</exception>
    public TaskTestResult this[string taskId] => _byId.TryGetValue(taskId ?? throw new ArgumentNullException(nameof(taskId)), out var task)
        ? task
        : throw new ArgumentException($"Pipeline '{Pipeline.Id}' has no task '{taskId}'. Its tasks are: {string.Join(", ", Pipeline.Tasks.Select(t => t.Id))}.", nameof(taskId));

    /// <summary>A task's result, read back as <typeparamref name="T"/>.</summary>
    /// <exception cref="ArgumentException">The pipeline has no such task.</exception>
    /// <exception cref="InvalidOperationException">The task recorded no output.</exception>
    public T Output<T>(string taskId) => this[taskId].Output<T>();

    /// <summary>A mapped task's instances in map-index order, each with its map index, label, state, tries, output and log; empty if it did not expand.</summary>
    /// <example><code>Assert.Equal(new[] { "us.csv", "eu.csv" }, result.Instances("Load").Select(i => i.Label));</code></example>
    public IReadOnlyList<TaskTestResult> Instances(string taskId) =>
        _instances.TryGetValue(taskId ?? throw new ArgumentNullException(nameof(taskId)), out var instances) ? instances : [];

    /// <summary>The JSON outputs of the tasks that recorded one, by task id: give them to <see cref="PipelineTestHost.RunTaskAsync(string, PipelineTestResult, System.Threading.CancellationToken)"/> to run a task again on this run's data.</summary>
    public IReadOnlyDictionary<string, string> Outputs => Tasks.Where(t => t.OutputJson is not null).ToDictionary(t => t.TaskId, t => t.OutputJson!, StringComparer.Ordinal);

    /// <summary>The task states by id, for one-line assertions.</summary>
    public IReadOnlyDictionary<string, TaskState> States => Tasks.ToDictionary(t => t.TaskId, t => t.State, StringComparer.Ordinal);

    /// <inheritdoc />
    public override string ToString() => $"{Pipeline.Id} {RunId}: {State.Name()}. {Message}";
}
