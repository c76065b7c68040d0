using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Pipelines.Hangfire;

/// <summary>Sends events to every registered notifier, after the run's lock is released, so a slow webhook never holds up coordination.</summary>
internal sealed partial class NotificationDispatcher(IEnumerable<IPipelineNotifier> notifiers, ILogger<NotificationDispatcher> logger)
{
    private readonly IPipelineNotifier[] _notifiers = notifiers.ToArray();
    private int _pending;

    /// <summary>Notifications still being delivered; tests wait for zero.</summary>
    public int Pending => Volatile.Read(ref _pending);

    public void Publish(IReadOnlyList<PipelineEvent> events)
    {
        if (events.Count == 0 || _notifiers.Length == 0) return;
        Interlocked.Increment(ref _pending);
        _ = Task.Run(async () =>
        {
            try
            {
                foreach (var pipelineEvent in events)
                {
                    foreach (var notifier in _notifiers)
                    {
                        try
                        {
                            await notifier.NotifyAsync(pipelineEvent, CancellationToken.None).ConfigureAwait(false);
                        }
                        catch (Exception ex)
                        {
                            LogFailed(logger, ex, notifier.GetType().Name, pipelineEvent.Kind, pipelineEvent.PipelineId, pipelineEvent.RunId);
                        }
                    }
                }
            }
            finally
            {
                Interlocked.Decrement(ref _pending);
            }
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notifier {Notifier} failed to send {Kind} for {Pipeline} {Run}")]
    private static partial void LogFailed(ILogger logger, Exception exception, string notifier, PipelineEventKind kind, string pipeline, string run);
}
