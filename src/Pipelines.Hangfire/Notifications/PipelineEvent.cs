using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>What happened, for notifiers.</summary>
public enum PipelineEventKind
{
    /// <summary>A try failed and another is scheduled.</summary>
    TaskRetry,
    /// <summary>A task failed for good.</summary>
    TaskFailed,
    /// <summary>A task succeeded.</summary>
    TaskSucceeded,
    /// <summary>A run ended, successfully or not.</summary>
    RunFinished,
    /// <summary>An operator changed a state by hand (clear, mark success, mark failed).</summary>
    ManualChange,
}

/// <summary>One notification.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="PipelineId">The pipeline.</param>
/// <param name="RunId">The run.</param>
/// <param name="TaskId">The task, when the event is about one.</param>
/// <param name="State">The task's or run's new state name.</param>
/// <param name="Message">A sentence for people.</param>
/// <param name="At">When it happened.</param>
public sealed record PipelineEvent(PipelineEventKind Kind, string PipelineId, string RunId, string? TaskId, string State, string Message, Instant At);
