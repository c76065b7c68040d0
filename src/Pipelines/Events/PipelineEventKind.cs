namespace Pipelines;

/// <summary>What happened, for notifiers and callbacks.</summary>
public enum PipelineEventKind
{
    /// <summary>A try failed and another is scheduled.</summary>
    TaskRetry,
    /// <summary>A task failed for good.</summary>
    TaskFailed,
    /// <summary>A task succeeded.</summary>
    TaskSucceeded,
    /// <summary>A run succeeded: its leaf tasks succeeded or were skipped.</summary>
    RunSucceeded,
    /// <summary>A run failed: a leaf task failed or could not run because an upstream failed.</summary>
    RunFailed,
    /// <summary>An operator changed a state by hand (clear, mark success, mark failed).</summary>
    ManualChange,
    /// <summary>
    /// A run (<see cref="PipelineEvent.TaskId"/> null) or a task was not finished by its deadline, including a run that
    /// never started because the pipeline was paused or no server was up.
    /// </summary>
    DeadlineMissed,
}
