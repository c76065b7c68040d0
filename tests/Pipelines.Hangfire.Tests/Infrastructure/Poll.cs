namespace Pipelines.Hangfire.Tests.Infrastructure;

/// <summary>
/// Waits for a state the system under test reaches on its own time (a Hangfire job's state, a delivery), with a
/// deadline only to end a test that would otherwise hang: a test must not race the system it watches.
/// </summary>
public static class Poll
{
    /// <summary>Reads <paramref name="read"/> until <paramref name="done"/> holds, and returns the value that satisfied it.</summary>
    public static async Task<T> UntilAsync<T>(Func<T> read, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var value = read();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waited in vain for {what}; last seen: {value}");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds.</summary>
    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null) =>
        UntilAsync(condition, done => done, what, timeout);
}
