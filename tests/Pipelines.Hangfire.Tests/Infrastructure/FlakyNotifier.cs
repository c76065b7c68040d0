namespace Pipelines.Hangfire.Tests.Infrastructure;

/// <summary>
/// A notifier that fails its first calls, or every call while it is down, and keeps the events it accepted; it hears the
/// events <paramref name="hears"/> chooses (every event without it), and never filters a call itself, so an event it is
/// called with although it does not hear it shows in <see cref="Received"/>.
/// </summary>
public sealed class FlakyNotifier(int failures = 0, Func<PipelineEvent, bool>? hears = null) : IPipelineNotifier
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<PipelineEvent> _received = new();
    private int _failuresLeft = failures;
    private int _attempts;

    /// <summary>While true, every call fails as an unreachable webhook does.</summary>
    public bool Down { get; set; }

    /// <summary>Every call, failed or not.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>The events accepted, in the order they came.</summary>
    public IReadOnlyList<PipelineEvent> Received => _received.ToArray();

    public bool Hears(PipelineEvent pipelineEvent) => hears?.Invoke(pipelineEvent) ?? true;

    public Task NotifyAsync(PipelineEvent pipelineEvent, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        if (Down || Interlocked.Decrement(ref _failuresLeft) >= 0)
            throw new HttpRequestException("The webhook is unreachable.");
        _received.Enqueue(pipelineEvent);
        return Task.CompletedTask;
    }
}
