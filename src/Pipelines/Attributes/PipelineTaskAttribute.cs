// Compiled into the Pipelines.Generators analyzer too, so the generator reads settings by nameof and its enums and
// defaults are these; there it lives in Pipelines.Generators.Api, so a project that references both assemblies
// still sees one Pipelines.PipelineTaskAttribute. Keep it netstandard2.0-compatible.
using System;

#if PIPELINES_GENERATOR
namespace Pipelines.Generators.Api;
#else
namespace Pipelines;
#endif

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
    public TriggerRule Trigger { get; set; } = PipelineDefaults.Trigger;

    /// <summary>The Hangfire queue the task runs in: lowercase letters, digits, <c>_</c> and <c>-</c>. Defaults to <c>default</c>.</summary>
    public string? Queue { get; set; }

    /// <summary>
    /// The pool (declared with <c>[assembly: Pool(...)]</c>) whose slots a try of this task takes while it runs; a task
    /// waits, queued, while the pool has too few open slots. None by default.
    /// </summary>
    public string? Pool { get; set; }

    /// <summary>How many slots of <see cref="Pool"/> a try takes: at least 1, at most the pool's slots. Defaults to 1.</summary>
    public int PoolSlots { get; set; } = PipelineDefaults.PoolSlots;

    /// <summary>
    /// How many tries of this task may run at once across all runs of the pipeline, as Airflow's
    /// <c>max_active_tis_per_dag</c>. 0 (the default) sets no limit.
    /// </summary>
    public int MaxActiveTries { get; set; }

    /// <summary>
    /// Whether the task waits until the same task of the previous run (by logical date) succeeded or was skipped, as
    /// Airflow's <c>depends_on_past</c>. A task with no previous run runs.
    /// </summary>
    public bool DependsOnPast { get; set; }

    /// <summary>
    /// Whether the task also waits for the direct downstream tasks of its previous run's instance to succeed or be
    /// skipped, as Airflow's <c>wait_for_downstream</c>; implies <see cref="DependsOnPast"/>.
    /// </summary>
    public bool WaitForDownstream { get; set; }

    /// <summary>
    /// The task's own priority weight: at least 1, defaults to 1. Its effective weight follows <see cref="WeightRule"/>;
    /// the highest goes first when tasks wait for pool slots or concurrency limits, across runs and pipelines.
    /// </summary>
    public int PriorityWeight { get; set; } = PipelineDefaults.PriorityWeight;

    /// <summary>How the effective weight is worked out. Defaults to <see cref="PriorityWeightRule.Downstream"/>.</summary>
    public PriorityWeightRule WeightRule { get; set; } = PipelineDefaults.WeightRule;

    /// <summary>
    /// When the task must be finished, in the syntax of <see cref="PipelineAttribute.Deadline"/>. A task not finished by
    /// then raises one <see cref="PipelineEventKind.DeadlineMissed"/> event naming it.
    /// </summary>
    public string? Deadline { get; set; }

    /// <summary>
    /// For a task with a <see cref="MapOverAttribute"/> parameter, the most instances it may expand to; a longer upstream
    /// collection fails the task with a reason naming the count and the limit. 0 (the default) takes the runtime's
    /// setting (<c>Pipelines:MaxMapLength</c>, 1,024 unless configured).
    /// </summary>
    public int MaxMapLength { get; set; }
}
