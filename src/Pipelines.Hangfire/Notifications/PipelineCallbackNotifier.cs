using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace Pipelines.Hangfire;

/// <summary>
/// Calls a pipeline's own callback methods (<see cref="OnFailureAttribute"/>, <see cref="OnSuccessAttribute"/>,
/// <see cref="OnRetryAttribute"/>, <see cref="OnDeadlineMissedAttribute"/>) for each event they hear
/// (<see cref="PipelineCallback.Hears"/>), each in a DI scope of its own, through the outbox like every notifier: at
/// least once, after the step that caused the event has committed, and never changing a task's or run's state.
/// </summary>
/// <remarks>
/// The dispatcher delivers to each callback as a notifier of its own, keyed <c>callback:pipeline.Method:Kind</c>, so a
/// callback that throws is retried (with the notifiers' doubling delay, giving up after a dozen tries) without calling
/// the callbacks that already ran again, and the keys stay the same whatever other pipelines a server has.
/// </remarks>
internal sealed class PipelineCallbackNotifier : IPipelineNotifier, IPipelineNotifierGroup
{
    private readonly PipelineRegistry _registry;
    private readonly IServiceScopeFactory _scopes;

    public PipelineCallbackNotifier(PipelineRegistry registry, IServiceScopeFactory scopes)
    {
        _registry = registry;
        _scopes = scopes;
        Members = registry.All
            .SelectMany(p => p.Callbacks.Select(c => ($"callback:{p.Id}.{c.MethodName}:{c.Kind}", (IPipelineNotifier)new Member(p.Id, c, scopes))))
            .GroupBy(m => m.Item1, StringComparer.Ordinal)
            // Overloads of one method with one kind each keep a key of their own, by their place in the generated
            // definition (the same on every server).
            .SelectMany(g => g.Select((m, i) => (i == 0 ? m.Item1 : m.Item1 + "#" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), m.Item2)))
            .ToList();
    }

    public IReadOnlyList<(string Key, IPipelineNotifier Notifier)> Members { get; }

    /// <summary>Whether a callback of the event's pipeline hears it.</summary>
    public bool Hears(PipelineEvent pipelineEvent) =>
        pipelineEvent is not null && _registry.TryGet(pipelineEvent.PipelineId, out var pipeline) && pipeline.Callbacks.Any(c => c.Hears(pipelineEvent));

    /// <summary>Calls every callback of the event's pipeline that hears it, one after another.</summary>
    public async Task NotifyAsync(PipelineEvent pipelineEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pipelineEvent);
        if (!_registry.TryGet(pipelineEvent.PipelineId, out var pipeline)) return;
        foreach (var callback in pipeline.Callbacks)
            await new Member(pipeline.Id, callback, _scopes).NotifyAsync(pipelineEvent, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One callback method, as a notifier.</summary>
    private sealed class Member(string pipelineId, PipelineCallback callback, IServiceScopeFactory scopes) : IPipelineNotifier
    {
        public bool Hears(PipelineEvent pipelineEvent) =>
            string.Equals(pipelineEvent.PipelineId, pipelineId, StringComparison.Ordinal) && callback.Hears(pipelineEvent);

        public async Task NotifyAsync(PipelineEvent pipelineEvent, CancellationToken cancellationToken)
        {
            if (!Hears(pipelineEvent)) return;
            var scope = scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                await callback.Invoke(scope.ServiceProvider, pipelineEvent, cancellationToken).ConfigureAwait(false);
            }
        }

        public override string ToString() => $"{pipelineId}.{callback.MethodName}";
    }
}
