using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// Runs the <see cref="NotificationDispatcher"/> in the background: a pass whenever a step writes events, when a retry
/// falls due, and every few seconds for events other processes left behind (one that stopped before delivering them).
/// When the host stops it drains the outbox, for at most <see cref="PipelinesOptions.NotificationDrainTimeout"/>, after
/// every hosted service has stopped (Hangfire's server included), so the events of the last jobs go out too and
/// <c>trigger --wait</c> does not exit with its "run failed" notification unsent.
/// </summary>
internal sealed partial class NotificationDeliveryService(NotificationDispatcher dispatcher, PipelinesOptions options, ILogger<NotificationDeliveryService> logger)
    : IHostedLifecycleService, IDisposable
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.DeliverNotifications) return Task.CompletedTask;
        // Its own thread: delivery calls notifiers synchronously while it holds a run's delivery lock.
        _loop = Task.Factory.StartNew(() => Loop(_stopping.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        return Task.CompletedTask;
    }

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Drains the outbox once every hosted service has stopped, within the drain timeout and the host's own.</summary>
    public Task StoppedAsync(CancellationToken cancellationToken) =>
        options.DeliverNotifications ? Task.Run(() => Drain(cancellationToken), CancellationToken.None) : Task.CompletedTask;

    public void Dispose() => _stopping.Dispose();

    private void Loop(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            var wait = s_pollInterval;
            try
            {
                if (dispatcher.DeliverDue(stopping) is { } next)
                    wait = TimeSpan.FromTicks(Math.Clamp((next - SystemClock.Instance.GetCurrentInstant()).BclCompatibleTicks, 0, s_pollInterval.Ticks));
                dispatcher.WaitForWork(wait, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The storage is unreachable, say: the events wait in it, and the next pass tries again.
                LogPassFailed(logger, ex);
                try { dispatcher.WaitForWork(s_pollInterval, stopping); } catch (OperationCanceledException) { return; }
            }
        }
    }

    private void Drain(CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(options.NotificationDrainTimeout);
        var deadline = SystemClock.Instance.GetCurrentInstant() + Duration.FromTimeSpan(options.NotificationDrainTimeout);
        try
        {
            while (dispatcher.DeliverDue(bounded.Token) is { } next && next <= deadline)
            {
                var wait = next - SystemClock.Instance.GetCurrentInstant();
                if (wait > Duration.Zero) bounded.Token.WaitHandle.WaitOne(wait.ToTimeSpan());
                bounded.Token.ThrowIfCancellationRequested();
            }
            if (dispatcher.Pending is > 0 and var left) LogLeft(logger, left);
        }
        catch (OperationCanceledException)
        {
            // Out of time: what is left waits in the outbox for the next process that delivers.
        }
        catch (Exception ex)
        {
            // A stopping host must stop: the storage keeps the events for the next process.
            LogPassFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering pipeline notifications failed; they stay in storage and are tried again")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Count} pipeline notifications are left in storage for the next process to deliver")]
    private static partial void LogLeft(ILogger logger, int count);
}
