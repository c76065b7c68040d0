using System;
using System.Threading;

namespace Pipelines.Hangfire;

/// <summary>
/// A write a running try repeats on a timer (its log lines, its heartbeat), stopped without a thread hop or an exception:
/// <see cref="Dispose"/> waits for a write in progress, and no write starts after it returns. Every try starts two and
/// stops them as it ends, so the stop is on the path between one task's end and the next one's start: ending two
/// <c>PeriodicTimer</c> loops by cancellation (two exceptions, two continuations the try's worker waited for on the
/// thread pool) took about 0.19 ms of an in-memory hop of 0.7 ms.
/// </summary>
internal sealed class PeriodicWrite : IDisposable
{
    private readonly Action _write;
    private readonly Timer _timer;
    private readonly object _gate = new();
    private bool _stopped;

    /// <param name="interval">Time between writes; the first is one interval after the start.</param>
    /// <param name="write">The write; it must not throw (one that does is ignored, as a timer's callback must not throw).</param>
    public PeriodicWrite(TimeSpan interval, Action write)
    {
        _write = write;
        _timer = new Timer(static state => ((PeriodicWrite)state!).Tick(), this, interval, interval);
    }

    private void Tick()
    {
        // A write still running when the next tick comes (a slow storage) makes that tick skip; the next write is at the
        // following tick (PeriodicTimer would have started it as soon as the slow one ended).
        if (!Monitor.TryEnter(_gate)) return;
        try
        {
            if (!_stopped) _write();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The writes handle their own errors; an unexpected one must not end the process from a timer thread.
        }
        finally
        {
            Monitor.Exit(_gate);
        }
    }

    /// <summary>Stops the writes, waiting for one in progress.</summary>
    public void Dispose()
    {
        lock (_gate) _stopped = true;
        _timer.Dispose();
    }
}
