using System.Diagnostics;
using Pipelines.Benchmarks.Infrastructure;
using Pipelines.Benchmarks.Workloads;
using Pipelines.Hangfire;

namespace Pipelines.Benchmarks.ScaleOut;

/// <summary>
/// One big run on PostgreSQL: a <c>--big-tasks</c>-wide fan-out (Start → N → Join) in this process's own server, with
/// the runtime's meter listened to (<see cref="CoordinatorTelemetry"/>); first a 1,000-task fan-out as the reference
/// for the per-step cost.
/// </summary>
public static class BigRun
{
    public const int ReferenceWidth = 1000;

    public static async Task<BigResult> RunAsync(Options options)
    {
        var big = BigFans.Get(options.BigTasks);
        var timeout = options.Timeout * 10;
        await using var host = await BenchHost.StartAsync(StorageKind.PostgreSql, options.Workers, [Fan1000.Definition, big, Warmup.Definition]);
        await Measurements.WarmUpAsync(host);

        CoordinationFigures? reference = null;
        if (options.BigTasks != ReferenceWidth)
        {
            Console.Write($"[PostgreSQL] big run: reference fan-out of {ReferenceWidth:N0} ... ");
            using var telemetry = new CoordinatorTelemetry(Fan1000.Definition.Id);
            var clock = Stopwatch.StartNew();
            var (_, _, _, _) = await RunOnceAsync(host, Fan1000.Definition, timeout);
            reference = telemetry.Take();
            Console.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s");
        }

        host.Log.Reset();
        var failedBefore = host.Storage.GetMonitoringApi().FailedCount();
        Console.Write($"[PostgreSQL] big run: fan-out of {options.BigTasks:N0} ({big.Id}) ... ");
        using (var telemetry = new CoordinatorTelemetry(big.Id))
        {
            var (wall, completed, done, fanOut) = await RunOnceAsync(host, big, timeout);
            var figures = telemetry.Take();
            Console.WriteLine($"{wall / 1000:0.0} s (load {MachineCpu.LoadAverage()})");
            return new BigResult(options.BigTasks, wall, completed, done, fanOut, figures, ReferenceWidth, reference,
                host.Log.Count, host.Log.First, host.Storage.GetMonitoringApi().FailedCount() - failedBefore);
        }
    }

    private static async Task<(double WallMs, bool Completed, int Done, double? FanOutMs)> RunOnceAsync(BenchHost host, PipelineDefinition pipeline, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var runId = host.Operations.Trigger(pipeline.Id, new NodaTime.LocalDate(2024, 3, 8));
        var completed = await Measurements.WaitForRunAsync(host, pipeline.Id, runId, timeout);
        var wall = clock.Elapsed.TotalMilliseconds;
        var run = host.Operations.GetRun(pipeline.Id, runId)!;
        var done = run.Tasks.Count(t => t.State == TaskState.Success);
        var firstStart = run.Tasks.Where(t => t.TaskId.StartsWith('W') && t.Start is not null).Select(t => t.Start!.Value).DefaultIfEmpty().Min();
        double? fanOut = run["Start"].End is { } end && firstStart != default ? (firstStart - end).TotalMilliseconds : null;
        return (wall, completed, done, fanOut);
    }
}
