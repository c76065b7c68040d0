namespace Pipelines.Hangfire.Tests.Infrastructure;

/// <summary>
/// Counts the round trips Npgsql makes on the thread that creates it (each command or batch it sends is traced; opening a
/// physical connection is not counted), from its creation until it is disposed.
/// </summary>
internal sealed class RoundTrips : IDisposable
{
    private readonly int _thread = Environment.CurrentManagedThreadId;
    private readonly System.Diagnostics.ActivityListener _listener;
    private int _count;

    public RoundTrips()
    {
        _listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllData,
            ActivityStarted = activity =>
            {
                if (Environment.CurrentManagedThreadId == _thread && !activity.OperationName.StartsWith("CONNECT", StringComparison.Ordinal)) Interlocked.Increment(ref _count);
            },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The round trips <paramref name="call"/> made.</summary>
    public int Of(Action call)
    {
        var before = Volatile.Read(ref _count);
        call();
        return Volatile.Read(ref _count) - before;
    }

    public void Dispose() => _listener.Dispose();
}
