using System;

namespace Pipelines;

/// <summary>A task's <see cref="FromTaskAttribute"/> input has no recorded output to read.</summary>
public sealed class TaskInputMissingException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public TaskInputMissingException(string pipelineId, string taskId, string fromTaskId)
        : base($"Task '{pipelineId}.{taskId}' reads the output of '{fromTaskId}', but '{fromTaskId}' has recorded none (it was skipped or has not succeeded). " +
               $"Use a trigger rule that waits for '{fromTaskId}' to succeed, or drop the [FromTask] input.")
    {
        PipelineId = pipelineId;
        TaskId = taskId;
        FromTaskId = fromTaskId;
    }

    /// <summary>The pipeline id.</summary>
    public string PipelineId { get; }

    /// <summary>The task that wanted the input.</summary>
    public string TaskId { get; }

    /// <summary>The upstream task whose output is missing.</summary>
    public string FromTaskId { get; }
}
