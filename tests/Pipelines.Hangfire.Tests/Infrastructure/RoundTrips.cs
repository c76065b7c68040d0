namespace Pipelines.Hangfire.Tests.Infrastructure;

/// <summary>
/// Counts the round trips Npgsql makes on the thread that creates it (each command or batch it sends is traced; opening a
/// physical connection is not counted), from its creation until it is disposed, with the text each sent.
/// </summary>
internal sealed class RoundTrips : IDisposable
{
    private readonly int _thread = Environment.CurrentManagedThreadId;
    private readonly System.Diagnostics.ActivityListener _listener;
    private readonly List<System.Diagnostics.Activity> _sent = new();

    public RoundTrips()
    {
        _listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllData,
            ActivityStarted = activity =>
            {
                if (Environment.CurrentManagedThreadId != _thread || activity.OperationName.StartsWith("CONNECT", StringComparison.Ordinal)) return;
                lock (_sent) _sent.Add(activity);
            },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The round trips <paramref name="call"/> made.</summary>
    public int Of(Action call) => Of(call, out _);

    /// <summary>The round trips <paramref name="call"/> made, and the text each sent, in order.</summary>
    public int Of(Action call, out IReadOnlyList<string> texts)
    {
        int before;
        lock (_sent) before = _sent.Count;
        call();
        // Npgsql tags a command's text (db.query.text) once it has sent it, so it is read after the call.
        lock (_sent) texts = _sent.GetRange(before, _sent.Count - before).Select(activity => activity.GetTagItem("db.query.text") as string ?? "").ToArray();
        return texts.Count;
    }

    public void Dispose() => _listener.Dispose();
}
