using System;

namespace Pipelines;

/// <summary>
/// Marks a method of a <see cref="PipelineAttribute"/> class as a task. The task id is the method name.
/// Parameters may be a <see cref="RunContext"/>, a <see cref="System.Threading.CancellationToken"/>, or an
/// upstream task's output marked with <see cref="FromTaskAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class PipelineTaskAttribute : Attribute
{
    /// <summary>How many times a failed try is retried. Defaults to 0.</summary>
    public int Retries { get; set; }

    /// <summary>The wait before a retry, in <see cref="TimeSpan"/>'s invariant format (<c>"00:05:00"</c>). Defaults to 5 minutes.</summary>
    public string? RetryDelay { get; set; }

    /// <summary>Whether the retry delay doubles after every try, up to <see cref="MaxRetryDelay"/>.</summary>
    public bool RetryExponentialBackoff { get; set; }

    /// <summary>The longest wait between tries with exponential backoff, as a <see cref="TimeSpan"/> string.</summary>
    public string? MaxRetryDelay { get; set; }

    /// <summary>How long one try may run before its cancellation token fires and the try fails, as a <see cref="TimeSpan"/> string.</summary>
    public string? Timeout { get; set; }

    /// <summary>When the task may run, given the states of its upstream tasks. Defaults to <see cref="TriggerRule.AllSuccess"/>.</summary>
    public TriggerRule Trigger { get; set; } = TriggerRule.AllSuccess;

    /// <summary>The Hangfire queue the task runs in: lowercase letters, digits, <c>_</c> and <c>-</c>. Defaults to <c>default</c>.</summary>
    public string? Queue { get; set; }

    /// <summary>A higher priority runs first among ready tasks of the same run.</summary>
    public int Priority { get; set; }
}
