// Compiled into the Pipelines.Generators analyzer too, so the generator reads settings by nameof and its enums and
// defaults are these; there it lives in Pipelines.Generators.Api, so a project that references both assemblies
// still sees one Pipelines.PipelineCallbackAttribute. Keep it netstandard2.0-compatible.
using System;
using System.Collections.Immutable;

#if PIPELINES_GENERATOR
namespace Pipelines.Generators.Api;
#else
namespace Pipelines;
#endif

/// <summary>
/// The common part of <see cref="OnFailureAttribute"/>, <see cref="OnSuccessAttribute"/>, <see cref="OnRetryAttribute"/>
/// and <see cref="OnDeadlineMissedAttribute"/>: a method of the pipeline class called when an event happens, with the
/// <see cref="PipelineEvent"/>, a <see cref="System.Threading.CancellationToken"/> and services from DI as its
/// parameters, returning <c>void</c>, <c>Task</c> or <c>ValueTask</c>. Naming no task makes it pipeline-wide; naming
/// tasks (with <c>nameof</c>) calls it for those tasks' events only. Callbacks are delivered at least once, like notifiers.
/// </summary>
public abstract class PipelineCallbackAttribute : Attribute
{
    /// <summary>Creates the attribute for <paramref name="taskIds"/> (none: pipeline-wide).</summary>
    protected PipelineCallbackAttribute(string[] taskIds) => TaskIds = taskIds is null ? ImmutableArray<string>.Empty : ImmutableArray.Create(taskIds);

    /// <summary>The tasks whose events call the method; empty for a pipeline-wide callback.</summary>
    public ImmutableArray<string> TaskIds { get; }
}

/// <summary>
/// Called when the run fails (pipeline-wide), or when one of the named tasks fails for good, as Airflow's
/// <c>on_failure_callback</c>.
/// </summary>
/// <example>
/// <code>
/// [OnFailure]
/// public Task PageDesk(PipelineEvent failed, IPager pager, CancellationToken ct) => pager.PageAsync(failed.Message, ct);
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnFailureAttribute : PipelineCallbackAttribute
{
    /// <summary>Calls the method when the run fails, or when one of <paramref name="taskIds"/> fails.</summary>
    public OnFailureAttribute(params string[] taskIds) : base(taskIds) { }
}

/// <summary>Called when the run succeeds (pipeline-wide), or when one of the named tasks succeeds.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnSuccessAttribute : PipelineCallbackAttribute
{
    /// <summary>Calls the method when the run succeeds, or when one of <paramref name="taskIds"/> succeeds.</summary>
    public OnSuccessAttribute(params string[] taskIds) : base(taskIds) { }
}

/// <summary>Called when a try fails and another is scheduled: of any task (pipeline-wide), or of one of the named tasks.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnRetryAttribute : PipelineCallbackAttribute
{
    /// <summary>Calls the method when any task, or one of <paramref name="taskIds"/>, is up for retry.</summary>
    public OnRetryAttribute(params string[] taskIds) : base(taskIds) { }
}

/// <summary>
/// Called when a run misses the pipeline's <see cref="PipelineAttribute.Deadline"/> (pipeline-wide), or when one of the
/// named tasks misses its own <see cref="PipelineTaskAttribute.Deadline"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class OnDeadlineMissedAttribute : PipelineCallbackAttribute
{
    /// <summary>Calls the method when a run, or one of <paramref name="taskIds"/>, misses its deadline.</summary>
    public OnDeadlineMissedAttribute(params string[] taskIds) : base(taskIds) { }
}
