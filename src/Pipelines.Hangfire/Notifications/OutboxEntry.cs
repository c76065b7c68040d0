namespace Pipelines.Hangfire;

/// <summary>One event in the outbox: its id, its stored text (which removes it from its list), and the event.</summary>
internal sealed record OutboxEntry(string Id, string Text, PipelineEvent Event);
