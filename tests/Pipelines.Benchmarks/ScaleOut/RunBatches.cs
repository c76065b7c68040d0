using System.Diagnostics;
using global::Hangfire;
using global::Hangfire.Storage;
using NodaTime;
using Pipelines.Benchmarks.Infrastructure;
using Pipelines.Benchmarks.Workloads;
using Pipelines.Hangfire;

namespace Pipelines.Benchmarks.ScaleOut;

/// <summary>Triggering many runs, enqueuing many raw jobs, and waiting for them, from a client with no server of its own.</summary>
public static class RunBatches
{
    /// <summary>How often completion is polled; wall times are read at the poll that sees everything done, on both sides.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>Concurrent callers creating runs or jobs (one caller would make the client the bottleneck).</summary>
    public const int Callers = 4;

    private static readonly LocalDate s_firstDate = new(2000, 1, 1);
    private static int s_nextDay;

    /// <summary>Triggers <paramref name="count"/> runs, each on a logical date of its own (so none is a duplicate of another).</summary>
    public static async Task TriggerAsync(BenchHost client, PipelineDefinition pipeline, int count)
    {
        var first = Interlocked.Add(ref s_nextDay, count) - count;
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = Callers }, (i, _) =>
        {
            client.Operations.Trigger(pipeline.Id, s_firstDate.PlusDays(first + i));
            return ValueTask.CompletedTask;
        });
    }

    /// <summary>Waits until no run of any pipeline is unfinished; false when <paramref name="timeout"/> ran out first.</summary>
    public static async Task<bool> WaitForRunsAsync(BenchHost client, Stopwatch clock, TimeSpan timeout)
    {
        while (true)
        {
            using (var connection = (JobStorageConnection)client.Storage.GetConnection())
            {
                if (connection.GetSetCount(PipelineStore.UnfinishedKey) == 0) return true;
            }
            if (clock.Elapsed > timeout) return false;
            await Task.Delay(Poll);
        }
    }

    /// <summary>Tasks of <paramref name="pipeline"/> that succeeded, over its newest <paramref name="runs"/> runs.</summary>
    public static int SucceededTasks(BenchHost client, PipelineDefinition pipeline, int runs)
    {
        var done = 0;
        foreach (var run in client.Operations.ListRuns(pipeline.Id, runs))
            done += run.Tasks.Count(t => t.State == TaskState.Success);
        return done;
    }

    /// <summary>Enqueues <paramref name="count"/> trivial raw jobs; returns the number of succeeded jobs to wait for.</summary>
    public static async Task<long> EnqueueRawAsync(BenchHost client, int count)
    {
        var target = client.Storage.GetMonitoringApi().SucceededListCount() + count;
        var raw = "raw-many-" + Guid.NewGuid().ToString("N")[..8];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = Callers }, (i, _) =>
        {
            var taskId = $"J{i:00000}";
            client.Client.Enqueue(() => RawJobs.Step(raw, taskId));
            return ValueTask.CompletedTask;
        });
        return target;
    }

    /// <summary>Waits until <paramref name="target"/> jobs have succeeded; returns how many had when it stopped waiting.</summary>
    public static async Task<long> WaitForRawAsync(BenchHost client, long target, Stopwatch clock, TimeSpan timeout)
    {
        var monitoring = client.Storage.GetMonitoringApi();
        while (true)
        {
            var succeeded = monitoring.SucceededListCount();
            if (succeeded >= target || clock.Elapsed > timeout) return succeeded;
            await Task.Delay(Poll);
        }
    }
}
