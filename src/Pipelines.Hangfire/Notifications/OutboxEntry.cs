namespace Pipelines.Hangfire;

/// <summary>
/// One event in the outbox: its id, its stored text (which removes it from its list), the event, and where the notifiers'
/// progress with it is kept: in its run's hash (<see cref="NotificationOutbox.RunDeliveryKey"/>), or, for an entry
/// written before that hash existed, in a hash of its own (<see cref="NotificationOutbox.DeliveryKey"/>).
/// </summary>
internal sealed record OutboxEntry(string Id, string Text, PipelineEvent Event, bool ProgressInRunHash);
