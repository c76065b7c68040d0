using System.Threading;
using System.Threading.Tasks;

namespace Pipelines.Hangfire;

/// <summary>Receives retries, failures, successes, run completions and manual changes. Register any number in DI.</summary>
public interface IPipelineNotifier
{
    /// <summary>Handles one event. Exceptions are logged and never change task or run states.</summary>
    Task NotifyAsync(PipelineEvent pipelineEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Whether this notifier acts on <paramref name="pipelineEvent"/> (all events unless it says otherwise). An event no
    /// registered notifier hears is not stored for delivery at all, so a step that raises only such events (a task that
    /// succeeded, with a webhook for failures and the log at warnings) costs no write and no delivery; one that some
    /// notifier hears is stored and delivered to those that hear it. Called for every event under the run's lock when the
    /// step stores it, and again when it is delivered: it must be quick. One that throws hears the event (it is stored and
    /// sent to it, and the call's failure is retried as any other). Only a process that delivers notifications
    /// (<see cref="PipelinesOptions.DeliverNotifications"/>) leaves events out; the servers sharing a storage register the
    /// same notifiers, with the same log levels, since any of them delivers an event another stored.
    /// </summary>
    bool Hears(PipelineEvent pipelineEvent) => true;
}
