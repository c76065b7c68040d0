using System.Diagnostics;
using Pipelines.Benchmarks.Infrastructure;
using Pipelines.Benchmarks.Workloads;

namespace Pipelines.Benchmarks.ScaleOut;

/// <summary>
/// Many runs, many servers: <c>--runs</c> concurrent runs of <c>bench_many_20</c> (Start, 18 parallel, Join) against the
/// same number of raw Enqueued trivial jobs, on 1, 2 and 4 (<c>--servers</c>) Hangfire server processes sharing one
/// fresh PostgreSQL database. The harness process only creates runs and jobs (4 callers each); the server processes do
/// all the work. Each server count measures <c>--many-rounds</c> pairs on the same servers and database, the side that goes
/// first alternating, so neither side always runs on a fuller database; the ratio reported is the median of the pairs'.
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
            var warmUp = await WarmUpAsync(client, fleet, servers, options.Runs, timeout);
            var rounds = new List<(ManySide Pipeline, ManySide Raw)>();
            for (var round = 0; round < options.ManyRounds; round++)
            {
                ManySide raw, ours;
                if ((index + round) % 2 == 0)
                {
                    raw = await RawAsync(client, fleet, tasks, timeout);
                    ours = await PipelineAsync(client, fleet, options.Runs, timeout);
                }
                else
                {
                    ours = await PipelineAsync(client, fleet, options.Runs, timeout);
                    raw = await RawAsync(client, fleet, tasks, timeout);
                }
                rounds.Add((ours, raw));
            }
            var result = ManyResult.Of(servers, options.Workers, rounds);
            Console.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s (server pids {string.Join(", ", fleet.Pids)}; {warmUp}; " +
                $"rounds {string.Join(", ", result.RoundRatios.Select(Report.Ratio))}; load {MachineCpu.LoadAverage()})");
            results.Add(result);
        }
        return results;
    }

    /// <summary>
    /// Runs of the measured pipeline and raw jobs on every server, repeated until the servers' JIT is quiet, so that
    /// neither side pays for compiling while measured. .NET compiles a method again, optimised, only after it has been
    /// called 30 times (60 with dynamic PGO, which instruments it first), and starts counting calls only once no new
    /// method has been compiled for 100 ms: during a first round of runs it keeps compiling new methods, so the counting,
    /// and the optimised compiles after it, come in the following rounds. One round followed by a pause left the JIT busy
    /// into the measurement (a CPU profile of the pipeline side of a one-server run: 10% of the server's samples in the
    /// JIT, its methods still at their instrumented tier). After the first small round every round is as large as a
    /// measured one: rounds of 8 runs per server went quiet while the measured rounds of 100 runs, busier (waits for the
    /// run's lock, tries applied together, the pool's connections in use), still compiled 300–900 methods each.
    /// Returns what the warm-up did, for the console.
    /// </summary>
    private static async Task<string> WarmUpAsync(BenchHost client, ServerProcesses fleet, int servers, int runs, TimeSpan timeout)
    {
        var compiles = new List<long>();
        var jit = (await fleet.StatsAsync()).Sum(s => s.JitMethods);
        for (var round = 0; round < MaxWarmUpRounds; round++)
        {
            var clock = Stopwatch.StartNew();
            var size = round == 0 ? WarmUpRunsPerServer * servers : runs;
            await RunBatches.TriggerAsync(client, Many20.Definition, size);
            if (!await RunBatches.WaitForRunsAsync(client, clock, timeout))
                throw new TimeoutException("The server processes did not finish the warm-up runs.");
            // After the runs: the raw target counts every succeeded job, the runs' task jobs too.
            var target = await RunBatches.EnqueueRawAsync(client, size * Many20.Tasks);
            if (await RunBatches.WaitForRawAsync(client, target, clock, timeout) < target)
                throw new TimeoutException("The server processes did not finish the warm-up's raw jobs.");
            // The optimised code is compiled in the background after the calls that asked for it.
            await Task.Delay(TimeSpan.FromSeconds(2));
            var now = (await fleet.StatsAsync()).Sum(s => s.JitMethods);
            compiles.Add(now - jit);
            jit = now;
            if (round > 0 && compiles[^1] <= QuietJitMethodsPerServer * servers) break;
        }
        return $"warm-up: {compiles.Count} round(s), methods compiled {string.Join(" / ", compiles)}";
    }

    /// <summary>A warm-up round (after the first) in which the servers compiled at most this many methods (each) ends the warm-up.</summary>
    private const long QuietJitMethodsPerServer = 100;

    private const int MaxWarmUpRounds = 6;

    private const int WarmUpRunsPerServer = 8;

    private static async Task<ManySide> PipelineAsync(BenchHost client, ServerProcesses fleet, int runs, TimeSpan timeout)
    {
        var before = await fleet.StatsAsync();
        var cpu = before.Sum(s => s.CpuMs);
        var machine = MachineCpu.Read();
        var clock = Stopwatch.StartNew();
        await RunBatches.TriggerAsync(client, Many20.Definition, runs);
        var completed = await RunBatches.WaitForRunsAsync(client, clock, timeout);
        var wall = clock.Elapsed.TotalMilliseconds;
        var busy = MachineCpu.Read().BusySince(machine);
        var after = await fleet.StatsAsync();
        var used = after.Sum(s => s.CpuMs) - cpu;
        return new ManySide(runs * Many20.Tasks, RunBatches.SucceededTasks(client, Many20.Definition, runs), wall, completed, busy, used)
        {
            JitMethods = after.Sum(s => s.JitMethods) - before.Sum(s => s.JitMethods),
        };
    }

    private static async Task<ManySide> RawAsync(BenchHost client, ServerProcesses fleet, int jobs, TimeSpan timeout)
    {
        var before = await fleet.StatsAsync();
        var cpu = before.Sum(s => s.CpuMs);
        var machine = MachineCpu.Read();
        var clock = Stopwatch.StartNew();
        var target = await RunBatches.EnqueueRawAsync(client, jobs);
        var succeeded = await RunBatches.WaitForRawAsync(client, target, clock, timeout);
        var wall = clock.Elapsed.TotalMilliseconds;
        var busy = MachineCpu.Read().BusySince(machine);
        var after = await fleet.StatsAsync();
        var used = after.Sum(s => s.CpuMs) - cpu;
        var done = (int)Math.Max(0, jobs - (target - succeeded));
        return new ManySide(jobs, done, wall, succeeded >= target, busy, used) { JitMethods = after.Sum(s => s.JitMethods) - before.Sum(s => s.JitMethods) };
    }
}
