using System;
using System.Collections.Immutable;
using System.Threading;
using System.Threading.Tasks;

namespace Pipelines;

/// <summary>The generated call of one callback method: resolves the pipeline class and the method's services from <paramref name="services"/>.</summary>
public delegate ValueTask PipelineCallbackInvoker(IServiceProvider services, PipelineEvent pipelineEvent, CancellationToken cancellationToken);

/// <summary>One callback method of a pipeline class, as the generator emitted it.</summary>
public sealed class PipelineCallback
{
    /// <summary>Creates a callback. Generated code calls this.</summary>
    public PipelineCallback(PipelineCallbackKind kind, string methodName, ImmutableArray<string> taskIds, PipelineCallbackInvoker invoke)
    {
        Kind = kind;
        MethodName = methodName ?? throw new ArgumentNullException(nameof(methodName));
        TaskIds = taskIds.IsDefault ? ImmutableArray<string>.Empty : taskIds;
        Invoke = invoke ?? throw new ArgumentNullException(nameof(invoke));
    }

    /// <summary>Which event calls it.</summary>
    public PipelineCallbackKind Kind { get; }

    /// <summary>The method's name.</summary>
    public string MethodName { get; }

    /// <summary>The tasks whose events call it; empty for a pipeline-wide callback.</summary>
    public ImmutableArray<string> TaskIds { get; }

    /// <summary>Calls the method.</summary>
    public PipelineCallbackInvoker Invoke { get; }

    /// <summary>
    /// Whether <paramref name="pipelineEvent"/> calls this method: a pipeline-wide failure or success callback hears the
    /// run's end, a retry callback every task's retries, a deadline callback the run's deadline; one naming tasks hears
    /// only those tasks' events of its kind.
    /// </summary>
    public bool Hears(PipelineEvent pipelineEvent)
    {
        if (pipelineEvent is null) throw new ArgumentNullException(nameof(pipelineEvent));
        var pipelineWide = TaskIds.IsEmpty;
        var task = pipelineEvent.TaskId;
        var named = task is not null && TaskIds.Contains(task);
        return (Kind, pipelineEvent.Kind) switch
        {
            (PipelineCallbackKind.Failure, PipelineEventKind.RunFailed) => pipelineWide,
            (PipelineCallbackKind.Failure, PipelineEventKind.TaskFailed) => named,
            (PipelineCallbackKind.Success, PipelineEventKind.RunSucceeded) => pipelineWide,
            (PipelineCallbackKind.Success, PipelineEventKind.TaskSucceeded) => named,
            (PipelineCallbackKind.Retry, PipelineEventKind.TaskRetry) => pipelineWide || named,
            (PipelineCallbackKind.DeadlineMissed, PipelineEventKind.DeadlineMissed) => task is null ? pipelineWide : named,
            _ => false,
        };
    }

    /// <inheritdoc />
    public override string ToString() => MethodName;
}
