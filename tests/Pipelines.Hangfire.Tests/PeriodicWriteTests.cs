namespace Pipelines.Hangfire.Tests;

/// <summary>A try's periodic writes (log lines, heartbeat): they repeat, and once stopped none is in progress and none starts.</summary>
public sealed class PeriodicWriteTests
{
    [Fact]
    public void Writes_repeat_until_disposed_and_none_starts_after()
    {
        var writes = 0;
        var write = new PeriodicWrite(TimeSpan.FromMilliseconds(10), () => Interlocked.Increment(ref writes));
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref writes) >= 3, TimeSpan.FromSeconds(10)), "the write should repeat");
        write.Dispose();
        var after = Volatile.Read(ref writes);
        Thread.Sleep(100);
        Assert.Equal(after, Volatile.Read(ref writes));
    }

    [Fact]
    public async Task Dispose_waits_for_a_write_in_progress()
    {
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var started = 0;
        var finished = 0;
        var write = new PeriodicWrite(TimeSpan.FromMilliseconds(10), () =>
        {
            Interlocked.Increment(ref started);
            entered.Set();
            release.Wait();
            Interlocked.Increment(ref finished);
        });
        try
        {
            Assert.True(entered.Wait(TimeSpan.FromSeconds(10)), "the first write should start");
            var disposing = Task.Run(write.Dispose);
            await Task.Delay(100);
            Assert.False(disposing.IsCompleted, "Dispose returned while a write was still running");
            release.Set();
            await disposing.WaitAsync(TimeSpan.FromSeconds(10));
            // A tick may slip in between the first write's end and Dispose taking the lock; none starts after Dispose.
            var afterDispose = Volatile.Read(ref started);
            Assert.Equal(afterDispose, Volatile.Read(ref finished));
            await Task.Delay(100);
            Assert.Equal(afterDispose, Volatile.Read(ref started));
        }
        finally
        {
            release.Set();
            write.Dispose();
        }
    }

    [Fact]
    public void A_write_that_throws_does_not_stop_the_next()
    {
        var calls = 0;
        using var write = new PeriodicWrite(TimeSpan.FromMilliseconds(10), () =>
        {
            if (Interlocked.Increment(ref calls) == 1) throw new InvalidOperationException("storage refused");
        });
        Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref calls) >= 2, TimeSpan.FromSeconds(10)), "the write after a failed one should run");
    }
}
