using System;
using System.Collections.Generic;
using System.Linq;
using NodaTime;
using Pipelines.Hangfire;

namespace Pipelines.Testing;

/// <summary>One task of a run in a test: its state, tries, output and log, as the runtime recorded them.</summary>
public sealed class TaskTestResult
{
    private readonly TaskDataSerializer _serializer;

    internal TaskTestResult(string pipelineId, TaskInstance instance, string? outputJson, IReadOnlyList<TaskLogLine> log, TaskDataSerializer serializer, string? label = null)
    {
        PipelineId = pipelineId;
        TaskId = instance.TaskId;
        MapIndex = instance.MapIndex;
        Label = label;
        State = instance.State;
        Tries = instance.TryNumber;
        Reason = instance.Reason;
        Start = instance.Start;
        End = instance.End;
        OutputJson = outputJson;
        Log = log;
        _serializer = serializer;
    }

    /// <summary>A mapped task's instance: its index in the collection it maps over (<see cref="RunContext.MapIndex"/>); else null.</summary>
    public int? MapIndex { get; }

    /// <summary>A mapped task's instance: its element's label (the <see cref="MapLabelAttribute"/> property, else its ToString()); else null.</summary>
    public string? Label { get; }

    /// <summary>The pipeline id.</summary>
    public string PipelineId { get; }

    /// <summary>The task id (its method name).</summary>
    public string TaskId { get; }

    /// <summary>Its state: success, failed, skipped, upstream_failed, ...</summary>
    public TaskState State { get; }

    /// <summary>How many tries it took (a sensor's pokes within one try count once); 0 when it never ran.</summary>
    public int Tries { get; }

    /// <summary>The runtime's sentence for its state, such as "Failed on try 3, the last of 3: IOException: ...".</summary>
    public string? Reason { get; }

    /// <summary>When its last try started, on the test's clock.</summary>
    public Instant? Start { get; }

    /// <summary>When it reached its state, on the test's clock.</summary>
    public Instant? End { get; }

    /// <summary>Its result as the JSON downstream tasks read, or null when it returned nothing or did not succeed.</summary>
    public string? OutputJson { get; }

    /// <summary>The lines it wrote through <see cref="RunContext.Logger"/>, every try's, oldest first.</summary>
    public IReadOnlyList<TaskLogLine> Log { get; }

    /// <summary>The log's messages alone, oldest first: handy for <c>Assert.Contains</c>.</summary>
    public IReadOnlyList<string> LogMessages => Log.Select(l => l.Message).ToList();

    /// <summary>Whether the task returned a result (recorded for downstream tasks).</summary>
    public bool HasOutput => OutputJson is not null;

    /// <summary>Its result, read back as <typeparamref name="T"/> the way a downstream <see cref="FromTaskAttribute"/> input reads it.</summary>
    /// <exception cref="InvalidOperationException">The task recorded no output: the message says its state and why.</exception>
    public T Output<T>() => OutputJson is { } json
        ? _serializer.Deserialize<T>(json)
        : throw new InvalidOperationException($"Task '{PipelineId}.{TaskId}' recorded no output: it is {State.Name()} after {Tries} tr{(Tries == 1 ? "y" : "ies")}. {Reason}");

    /// <inheritdoc />
    public override string ToString() => $"{TaskId}: {State.Name()} ({Reason})";
}
