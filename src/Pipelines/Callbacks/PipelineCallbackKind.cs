namespace Pipelines;

/// <summary>Which attribute marked a callback method.</summary>
public enum PipelineCallbackKind
{
    /// <summary><see cref="OnFailureAttribute"/>.</summary>
    Failure,
    /// <summary><see cref="OnSuccessAttribute"/>.</summary>
    Success,
    /// <summary><see cref="OnRetryAttribute"/>.</summary>
    Retry,
    /// <summary><see cref="OnDeadlineMissedAttribute"/>.</summary>
    DeadlineMissed,
}
