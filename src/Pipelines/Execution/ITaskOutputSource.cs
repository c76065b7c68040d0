namespace Pipelines;

/// <summary>Where a task invocation reads the serialized outputs of its upstream tasks.</summary>
public interface ITaskOutputSource
{
    /// <summary>The JSON output of the task, or null when it has recorded none.</summary>
    string? GetOutputJson(string taskId);
}
