using System.Diagnostics;
using Pipelines.Benchmarks.Infrastructure;
using Pipelines.Benchmarks.Workloads;

namespace Pipelines.Benchmarks.ScaleOut;

/// <summary>
/// Memory of one server process across <c>--memory-runs</c> finished runs of <c>bench_memory_4</c> (empty bodies, so
/// only the runtime's memory counts) on PostgreSQL: working set and the GC heap after a full compacting collection,
/// read after a warm-up of 100 runs and after each quarter of the runs.
/// </summary>
public static class MemoryRuns
{
    public const int WarmUpRuns = 100;
    public const int Batches = 4;

    public static async Task<MemoryResult> RunAsync(Options options)
    {
        Console.Write($"[PostgreSQL] memory: one server process, {WarmUpRuns} warm-up runs then {options.MemoryRuns:N0} runs of {Memory4.Definition.Id} ... ");
        var clock = Stopwatch.StartNew();
        var timeout = options.Timeout * 10;
        await using var client = await BenchHost.StartAsync(StorageKind.PostgreSql, 0, ServerWorker.Pipelines);
        await using var fleet = await ServerProcesses.StartAsync(1, client.ConnectionString!, options.Workers, TimeSpan.FromSeconds(120));
        var readings = new List<(int, ServerStats)>();
        var completed = await BatchAsync(client, WarmUpRuns, timeout);
        readings.Add((0, (await fleet.StatsAsync())[0]));
        var finished = 0;
        for (var batch = 0; batch < Batches && completed; batch++)
        {
            var count = options.MemoryRuns / Batches + (batch < options.MemoryRuns % Batches ? 1 : 0);
            if (count == 0) continue;
            completed = await BatchAsync(client, count, timeout);
            finished += count;
            readings.Add((finished, (await fleet.StatsAsync())[0]));
        }
        Console.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s (server pid {fleet.Pids[0]}; load {MachineCpu.LoadAverage()})");
        return new MemoryResult(readings, completed);
    }

    private static async Task<bool> BatchAsync(BenchHost client, int runs, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        await RunBatches.TriggerAsync(client, Memory4.Definition, runs);
        return await RunBatches.WaitForRunsAsync(client, clock, timeout);
    }
}
