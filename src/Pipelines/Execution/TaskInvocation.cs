using System;
using System.Threading;

namespace Pipelines;

/// <summary>Everything the generated dispatch needs to call one task: the run context, services, upstream outputs and a token.</summary>
public sealed class TaskInvocation
{
    private readonly ITaskOutputSource _outputs;

    /// <summary>Creates an invocation.</summary>
    public TaskInvocation(RunContext run, IServiceProvider services, ITaskOutputSource outputs, TaskDataSerializer? serializer = null, CancellationToken cancellationToken = default)
    {
        Run = run ?? throw new ArgumentNullException(nameof(run));
        Services = services ?? throw new ArgumentNullException(nameof(services));
        _outputs = outputs ?? throw new ArgumentNullException(nameof(outputs));
        Serializer = serializer ?? TaskDataSerializer.Default;
        CancellationToken = cancellationToken;
    }

    /// <summary>The run context handed to <see cref="RunContext"/> parameters.</summary>
    public RunContext Run { get; }

    /// <summary>Where pipeline class instances and their constructor arguments come from.</summary>
    public IServiceProvider Services { get; }

    /// <summary>The serializer for inputs and outputs.</summary>
    public TaskDataSerializer Serializer { get; }

    /// <summary>Cancelled when the try times out or the server stops.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The output of an upstream task, deserialized as <typeparamref name="T"/>.</summary>
    /// <exception cref="TaskInputMissingException">The upstream task recorded no output (it was skipped, or has not run).</exception>
    public T Input<T>(string fromTaskId)
    {
        var json = _outputs.GetOutputJson(fromTaskId)
            ?? throw new TaskInputMissingException(Run.PipelineId, Run.TaskId, fromTaskId);
        return Serializer.Deserialize<T>(json);
    }

    /// <summary>
    /// For an instance of a mapped task, its element of the upstream task's collection (the one at
    /// <see cref="RunContext.MapIndex"/>), deserialized as <typeparamref name="T"/>.
    /// </summary>
    /// <exception cref="TaskInputMissingException">The upstream task recorded no output.</exception>
    /// <exception cref="InvalidOperationException">The task is not being run as a mapped instance, or the collection has no such element.</exception>
    public T MapElement<T>(string fromTaskId)
    {
        var index = Run.MapIndex ?? throw new InvalidOperationException(
            $"Task '{Run.TaskId}' of pipeline '{Run.PipelineId}' maps over '{fromTaskId}' but was run without a map index.");
        var json = _outputs.GetOutputJson(fromTaskId)
            ?? throw new TaskInputMissingException(Run.PipelineId, Run.TaskId, fromTaskId);
        return Serializer.DeserializeElement<T>(json, index);
    }

    /// <summary>Serializes a task's result.</summary>
    public string Output<T>(T value) => Serializer.Serialize(value);
}
