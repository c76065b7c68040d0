using System.Diagnostics;
using Pipelines.Benchmarks.Infrastructure;
using Pipelines.Benchmarks.Workloads;

namespace Pipelines.Benchmarks.ScaleOut;

/// <summary>
/// Many runs, many servers: <c>--runs</c> concurrent runs of <c>bench_many_20</c> (Start, 18 parallel, Join) against the
/// same number of raw Enqueued trivial jobs, on 1, 2 and 4 (<c>--servers</c>) Hangfire server processes sharing one
/// fresh PostgreSQL database. The harness process only creates runs and jobs (4 callers each); the server processes do
/// all the work. Raw first at even positions, pipeline first at odd ones, so neither side always runs on a fuller database.
/// </summary>
public static class ManyRuns
{
    public static async Task<List<ManyResult>> RunAsync(Options options)
    {
        var results = new List<ManyResult>();
        var timeout = options.Timeout * 4;
        var tasks = options.Runs * Many20.Tasks;
        for (var index = 0; index < options.Servers.Count; index++)
        {
            var servers = options.Servers[index];
            Console.Write($"[PostgreSQL] many runs: {options.Runs} runs x {Many20.Tasks} tasks and {tasks:N0} raw jobs on {servers} server process(es) x {options.Workers} workers ... ");
            var clock = Stopwatch.StartNew();
            await using var client = await BenchHost.StartAsync(StorageKind.PostgreSql, 0, ServerWorker.Pipelines);
            await using var fleet = await ServerProcesses.StartAsync(servers, client.ConnectionString!, options.Workers, TimeSpan.FromSeconds(120));
            await WarmUpAsync(client, servers, timeout);
            ManySide raw, ours;
            if (index % 2 == 0)
            {
                raw = await RawAsync(client, fleet, tasks, timeout);
                ours = await PipelineAsync(client, fleet, options.Runs, timeout);
            }
            else
            {
                ours = await PipelineAsync(client, fleet, options.Runs, timeout);
                raw = await RawAsync(client, fleet, tasks, timeout);
            }
            Console.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s (server pids {string.Join(", ", fleet.Pids)}; load {MachineCpu.LoadAverage()})");
            results.Add(new ManyResult(servers, options.Workers, ours, raw));
        }
        return results;
    }

    /// <summary>
    /// Runs of the measured pipeline and raw jobs on every server, enough that neither side pays for JIT or cold
    /// connection pools while measured: .NET compiles a method again, optimised, only after it has been called 30 times
    /// (60 with dynamic PGO, which instruments it first), on a background thread. A warm-up of 16 tasks and 20 raw jobs
    /// per server left that to the measurement: a CPU profile of a one-server run showed the JIT's tiering thread using
    /// 12% of the machine during it. Steps made once per run (the fan-out, the run's end) stay below the threshold.
    /// </summary>
    private static async Task WarmUpAsync(BenchHost client, int servers, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        await RunBatches.TriggerAsync(client, Many20.Definition, WarmUpRunsPerServer * servers);
        if (!await RunBatches.WaitForRunsAsync(client, clock, timeout))
            throw new TimeoutException("The server processes did not finish the warm-up runs.");
        // After the runs: the raw target counts every succeeded job, the runs' task jobs too.
        var target = await RunBatches.EnqueueRawAsync(client, WarmUpRunsPerServer * Many20.Tasks * servers);
        if (await RunBatches.WaitForRawAsync(client, target, clock, timeout) < target)
            throw new TimeoutException("The server processes did not finish the warm-up's raw jobs.");
        // The optimised code is compiled in the background after the calls that asked for it.
        await Task.Delay(TimeSpan.FromSeconds(2));
    }

    private const int WarmUpRunsPerServer = 8;

    private static async Task<ManySide> PipelineAsync(BenchHost client, ServerProcesses fleet, int runs, TimeSpan timeout)
    {
        var cpu = (await fleet.StatsAsync()).Sum(s => s.CpuMs);
        var machine = MachineCpu.Read();
        var clock = Stopwatch.StartNew();
        await RunBatches.TriggerAsync(client, Many20.Definition, runs);
        var completed = await RunBatches.WaitForRunsAsync(client, clock, timeout);
        var wall = clock.Elapsed.TotalMilliseconds;
        var busy = MachineCpu.Read().BusySince(machine);
        var used = (await fleet.StatsAsync()).Sum(s => s.CpuMs) - cpu;
        return new ManySide(runs * Many20.Tasks, RunBatches.SucceededTasks(client, Many20.Definition, runs), wall, completed, busy, used);
    }

    private static async Task<ManySide> RawAsync(BenchHost client, ServerProcesses fleet, int jobs, TimeSpan timeout)
    {
        var cpu = (await fleet.StatsAsync()).Sum(s => s.CpuMs);
        var machine = MachineCpu.Read();
        var clock = Stopwatch.StartNew();
        var target = await RunBatches.EnqueueRawAsync(client, jobs);
        var succeeded = await RunBatches.WaitForRawAsync(client, target, clock, timeout);
        var wall = clock.Elapsed.TotalMilliseconds;
        var busy = MachineCpu.Read().BusySince(machine);
        var used = (await fleet.StatsAsync()).Sum(s => s.CpuMs) - cpu;
        var done = (int)Math.Max(0, jobs - (target - succeeded));
        return new ManySide(jobs, done, wall, succeeded >= target, busy, used);
    }
}
