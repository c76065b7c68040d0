namespace Pipelines.Hangfire;

/// <summary>
/// What the cascade does with an undecided task (<see cref="TaskReadiness.DecideQueue"/>) and the sentence that says why,
/// spelled only when read: a join behind 1,000 tasks is judged at every try's end, and a wait is never written, so its
/// sentence was built and dropped 1,000 times per run.
/// </summary>
internal readonly struct QueueDecision
{
    private readonly string? _reason;
    private readonly TriggerRule _rule;
    private readonly UpstreamSummary _up;

    /// <summary>A decision whose sentence is known (a reason before the trigger rule that is not met).</summary>
    public QueueDecision(TriggerDecision decision, string reason)
    {
        Decision = decision;
        _reason = reason;
    }

    /// <summary>The trigger rule's decision over the task's upstream states, explained as <see cref="TriggerRuleEvaluator.Evaluate"/> does.</summary>
    public QueueDecision(TriggerDecision decision, TriggerRule rule, UpstreamSummary up)
    {
        Decision = decision;
        _rule = rule;
        _up = up;
    }

    public TriggerDecision Decision { get; }

    public string Reason => _reason ?? TriggerRuleEvaluator.Explain(_rule, _up, Decision);
}
