using Pipelines.Hangfire.Tests.Infrastructure;
using System.Runtime.InteropServices;
using Pipelines.Benchmarks;
using Pipelines.Benchmarks.Infrastructure;
using Pipelines.Benchmarks.ScaleOut;
using Pipelines.Benchmarks.Workloads;

// dotnet run -c Release --project tests/Pipelines.Benchmarks -- [--storage inmemory|postgres|both] [--measure hop,fanout,mapped,many,big,memory] [--rounds N] ...
// dotnet run -c Release --project tests/Pipelines.Benchmarks -- dashboard [--storage inmemory|postgres|both]
// dotnet run -c Release --project tests/Pipelines.Benchmarks -- generator [rounds]
// (internal) Pipelines.Benchmarks --serve-worker --connection CS --workers N: one server process of the many-runs measurement

if (args.Length > 0 && args[0] == "generator")
{
    // Under the compiler server's garbage collector (see GeneratorBenchmark): a process of its own when this one is not.
    if (Pipelines.Benchmarks.Generator.ServerGcProcess.Needed) return await Pipelines.Benchmarks.Generator.ServerGcProcess.RunAsync(args);
    var rounds = args.Length > 1 && int.TryParse(args[1], out var r) && r > 0 ? r : 5;
    return await Pipelines.Benchmarks.Generator.GeneratorBenchmark.RunAsync(rounds);
}

if (args.Length > 0 && args[0] == ServerWorker.Mode) return await ServerWorker.RunAsync(args[1..]);

using var interruption = Interruption.Register();

Options options;
var dashboard = args.Length > 0 && args[0] == "dashboard";
try
{
    options = Options.Parse(dashboard ? args[1..] : args);
}
catch (UsageException e)
{
    Console.Error.WriteLine($"error: {e.Message} {Options.Usage}");
    return 2;
}
if (options.Help)
{
    Console.WriteLine(Options.Usage);
    return 0;
}
if (dashboard)
{
    if (options.Storages.Contains(StorageKind.PostgreSql) && !StartPostgres()) return 1;
    return await Pipelines.Benchmarks.Dashboard.DashboardBenchmark.RunAsync(options.Storages);
}
var (storages, workers, timeout, measures) = (options.Storages, options.Workers, options.Timeout, options.Measures);
var scaleOut = new[] { Measure.Many, Measure.Big, Measure.Memory }.Where(measures.Contains).ToArray();
if (scaleOut.Length > 0 && !storages.Contains(StorageKind.PostgreSql))
{
    Console.Error.WriteLine($"error: {string.Join(", ", scaleOut).ToLowerInvariant()} run on PostgreSQL only: add --storage postgres or both. {Options.Usage}");
    return 2;
}

Console.WriteLine("Pipelines benchmark against raw Hangfire: " + string.Join(", ", measures.Order().Select(m => m switch
{
    Measure.Hop => "hop latency (200-task chain)",
    Measure.Fanout => "throughput (1,000-task fan-out/fan-in)",
    Measure.Mapped => "mapped throughput (1,000-instance mapped fan-out/fan-in)",
    Measure.Many => $"many runs ({options.Runs} x 20 tasks) on {string.Join("/", options.Servers)} server processes",
    Measure.Big => $"one big run ({options.BigTasks:N0}-task fan-out)",
    _ => $"server memory across {options.MemoryRuns:N0} runs",
})));
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
Console.WriteLine($"workers: {workers} Hangfire workers per server, shared by both sides; {options.Rounds} round(s) for hop, fan-out and mapped; " +
    $"per-measurement timeout {timeout.TotalSeconds:0} s (many runs: 4x, big run and memory: 10x)");
Console.WriteLine($"date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load average (1 min) at start: {MachineCpu.LoadAverage()}");
Console.WriteLine();
// The fan-outs report what survived gen0 in their collections (GcPromotions); listening from the start costs both sides alike.
GcPromotions.Start();

var reports = new List<StorageReport>();
try
{
    if (!await MeasureAllAsync()) return 1;
}
catch (Exception) when (Interruption.Requested)
{
    // The signal handler is ending the process; what failed here failed because of that.
    return Interruption.ExitCode;
}

// The closing table scripts read: one row per storage, the hop ratio, then the throughput ratio, then the scale-out ratios,
// then (appended last, so the earlier columns keep their places) the mapped throughput ratio, which has no goal.
Console.WriteLine($"Summary ({Environment.ProcessorCount} cores, load average {MachineCpu.LoadAverage()} at the end)");
Console.WriteLine($"  {"storage",-12} {"hop ratio (median)",20} {"goal",8} {"throughput ratio",18} {"goal",8} {"many runs ratio",16} {"goal",8} " +
    $"{"2/1 servers",12} {"goal",8} {"big step growth",16} {"goal",8} {"memory growth",14} {"goal",8} {"mapped ratio",13}");
foreach (var r in reports)
{
    Console.WriteLine($"  {r.Name,-12} {Report.Ratio(r.HopRatio),20} {Report.Verdict(r.HopGoalMet),8} {Report.Ratio(r.ThroughputRatio),18} {Report.Verdict(r.ThroughputGoalMet),8} " +
        $"{Report.Ratio(r.ManyRatio),16} {Report.Verdict(r.ManyGoalMet),8} {Report.Ratio(r.ScaleRatio),12} {Report.Verdict(r.ScaleGoalMet),8} " +
        $"{Report.Ratio(r.StepGrowth),16} {Report.Verdict(r.BigGoalMet),8} {Report.Ratio(r.MemoryGrowth),14} {Report.Verdict(r.MemoryGoalMet),8} {Report.Ratio(r.MappedRatio),13}");
}
Console.WriteLine($"  goals: hop <= {StorageReport.HopGoal}x, throughput >= {StorageReport.ThroughputGoal}x, many runs >= {StorageReport.ManyGoal}x raw at every server count, " +
    $"2 servers >= {StorageReport.ScaleGoal}x one (where the cores exist), big run clean with per-step cost <= {StorageReport.StepGrowthGoal}x a 1,000-task run's, " +
    $"server GC heap <= {StorageReport.MemoryGoal}x after the runs");
return 0;

async Task<bool> MeasureAllAsync()
{
    foreach (var kind in storages)
    {
        var name = kind == StorageKind.InMemory ? "in-memory" : "PostgreSQL";
        if (kind == StorageKind.PostgreSql)
        {
            var o = BenchHost.PostgreSqlOptions();
            Console.WriteLine($"[{name}] starting a private PostgreSQL server; options: QueuePollInterval {o.QueuePollInterval.TotalMilliseconds:0} ms, " +
                $"EnableLongPolling {o.EnableLongPolling}, UseSlidingInvisibilityTimeout {o.UseSlidingInvisibilityTimeout}");
            if (!StartPostgres()) return false;
        }

        var report = new StorageReport(name);
        // In memory rounds are run first and not counted until the JIT has gone quiet (JitWarmUp): the tiered JIT optimises
        // a method fully only after it has been called often and compilation has been quiet for a while, so the first
        // rounds measured both sides' hot paths partly unoptimised (raw hops of 0.3 ms against 0.09 ms with every method
        // optimised at once), and three rounds were not enough for the pipeline side, which has more code to optimise: its
        // fan-out went from about 2,000 tasks/s in the first rounds to 5,000-6,000 from the tenth on. On PostgreSQL the
        // round trips dominate, and a round costs a minute.
        var warmUp = kind == StorageKind.InMemory ? new JitWarmUp() : null;
        var firstRound = warmUp is null ? 1 : 0;
        for (var round = firstRound; round <= options.Rounds && new[] { Measure.Hop, Measure.Fanout, Measure.Mapped }.Any(measures.Contains); round++)
        {
            if (round == 0 && warmUp!.Done) round = 1;
            // Raw and pipeline alternate, and which goes first alternates by round, so a change in the machine's load
            // during the run falls on both sides alike.
            var rawFirst = (round & 1) == 1;
            var at = round <= 0 ? $"warm-up round {warmUp!.Rounds + 1} (not counted)" : $"round {round}/{options.Rounds}";
            ChainResult? rawChain = null, ourChain = null, rawEnqueueChain = null;
            FanResult? rawFan = null, ourFan = null, rawMapped = null, ourMapped = null;
            if (measures.Contains(Measure.Hop))
            {
                Func<Task> raw = async () => rawChain = await MeasureAsync(kind, workers, warmUp, name, $"{at} raw Hangfire chain (ContinueJobWith)", h => Measurements.RawChainAsync(h, timeout));
                Func<Task> ours = async () => ourChain = await MeasureAsync(kind, workers, warmUp, name, $"{at} pipeline chain (bench_chain_200)", h => Measurements.PipelineChainAsync(h, timeout));
                await (rawFirst ? raw : ours)();
                // Between the two, so that neither side is always next to it.
                rawEnqueueChain = await MeasureAsync(kind, workers, warmUp, name, $"{at} raw Hangfire chain (each job enqueues the next)", h => Measurements.RawEnqueueChainAsync(h, timeout));
                await (rawFirst ? ours : raw)();
            }
            if (measures.Contains(Measure.Fanout))
            {
                Func<Task> raw = async () => rawFan = await MeasureAsync(kind, workers, warmUp, name, $"{at} raw Hangfire fan (1,000 Enqueue)", h => Measurements.RawFanAsync(h, timeout));
                Func<Task> ours = async () => ourFan = await MeasureAsync(kind, workers, warmUp, name, $"{at} pipeline fan (bench_fan_1000)", h => Measurements.PipelineFanAsync(h, timeout));
                await (rawFirst ? raw : ours)();
                await (rawFirst ? ours : raw)();
            }
            if (measures.Contains(Measure.Mapped))
            {
                // Its own raw fan, the same 1,000 Enqueue, next to it in time: the ratio is taken as the static one's.
                Func<Task> raw = async () => rawMapped = await MeasureAsync(kind, workers, warmUp, name, $"{at} raw Hangfire fan (1,000 Enqueue)", h => Measurements.RawFanAsync(h, timeout));
                Func<Task> ours = async () => ourMapped = await MeasureAsync(kind, workers, warmUp, name, $"{at} pipeline mapped fan (bench_mapped_1000)", h => Measurements.PipelineMappedAsync(h, timeout));
                await (rawFirst ? raw : ours)();
                await (rawFirst ? ours : raw)();
            }
            if (round > 0) report.Rounds.Add(new Round(rawChain, ourChain, rawFan, ourFan, rawMapped, ourMapped, rawEnqueueChain));
            else
            {
                // Another warm-up round while the JIT still compiles (round stays 0 until it is quiet).
                warmUp!.RoundEnded(name);
                round = -1;
            }
        }
        if (kind == StorageKind.PostgreSql)
        {
            if (measures.Contains(Measure.Many)) report.Many.AddRange(await ManyRuns.RunAsync(options));
            if (measures.Contains(Measure.Big)) report.Big = await BigRun.RunAsync(options);
            if (measures.Contains(Measure.Memory)) report.Memory = await MemoryRuns.RunAsync(options);
        }
        reports.Add(report);
        Console.WriteLine();
        report.Print(workers);
        Console.WriteLine();
    }
    return true;
}

static async Task<T> MeasureAsync<T>(StorageKind kind, int workers, JitWarmUp? warmUp, string storage, string what, Func<BenchHost, Task<T>> measure)
{
    Console.Write($"[{storage}] {what} ... ");
    Probe.Clear();
    await using var host = await BenchHost.StartAsync(kind, workers);
    await Measurements.WarmUpAsync(host);
    Measurements.SettleHeap();
    var started = System.Diagnostics.Stopwatch.StartNew();
    // Methods the JIT compiled while the measurement ran (the tiered JIT's background compilations included): the
    // warm-up waits until there are none to speak of, and a measured round prints them too.
    var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
    var result = await measure(host);
    compiled = System.Runtime.JitInfo.GetCompiledMethodCount() - compiled;
    warmUp?.Measured(compiled);
    Console.WriteLine($"{started.Elapsed.TotalSeconds:0.0} s, {compiled:N0} methods compiled meanwhile");
    return result;
}

static bool StartPostgres()
{
    try
    {
        _ = PostgresServer.ConnectionString;
        return true;
    }
    catch (InvalidOperationException e)
    {
        Console.Error.WriteLine($"error: PostgreSQL could not be started: {e.Message}");
        return false;
    }
}
