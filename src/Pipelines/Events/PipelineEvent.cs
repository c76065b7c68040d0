using NodaTime;

namespace Pipelines;

/// <summary>
/// One event of a pipeline, as notifiers and the pipeline's own callbacks (<see cref="OnFailureAttribute"/> and its
/// siblings) receive it. Delivered at least once: a handler that must not act twice keys on
/// (<see cref="PipelineId"/>, <see cref="RunId"/>, <see cref="TaskId"/>, <see cref="Kind"/>, <see cref="State"/>).
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="PipelineId">The pipeline.</param>
/// <param name="RunId">The run (for a deadline missed by a run that was never created, the id it would have had).</param>
/// <param name="TaskId">The task, when the event is about one.</param>
/// <param name="State">The task's or run's new state name (<c>failed</c>, <c>up_for_retry</c>, …), for people and payloads.</param>
/// <param name="Message">A sentence for people.</param>
/// <param name="At">When it happened.</param>
public sealed record PipelineEvent(PipelineEventKind Kind, string PipelineId, string RunId, string? TaskId, string State, string Message, Instant At);
