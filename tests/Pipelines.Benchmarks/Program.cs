using Pipelines.Hangfire.Tests.Infrastructure;
using System.Runtime.InteropServices;
using Pipelines.Benchmarks;
using Pipelines.Benchmarks.Infrastructure;
using Pipelines.Benchmarks.Workloads;

// dotnet run -c Release --project tests/Pipelines.Benchmarks -- [--storage inmemory|postgres|both] [--workers N] [--timeout SECONDS]
// dotnet run -c Release --project tests/Pipelines.Benchmarks -- dashboard [--storage inmemory|postgres|both]
// dotnet run -c Release --project tests/Pipelines.Benchmarks -- generator [rounds]

if (args.Length > 0 && args[0] == "generator")
{
    var rounds = args.Length > 1 && int.TryParse(args[1], out var r) && r > 0 ? r : 5;
    return await Pipelines.Benchmarks.Generator.GeneratorBenchmark.RunAsync(rounds);
}

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
var (storages, workers, timeout) = (options.Storages, options.Workers, options.Timeout);

Console.WriteLine("Pipelines benchmark: hop latency (200-task chain) and throughput (1,000-task fan-out/fan-in) against raw Hangfire");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
Console.WriteLine($"workers: {workers} Hangfire workers, one server, shared by both sides; per-measurement timeout {timeout.TotalSeconds:0} s");
Console.WriteLine($"date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
Console.WriteLine();

var reports = new List<StorageReport>();
foreach (var kind in storages)
{
    var name = kind == StorageKind.InMemory ? "in-memory" : "PostgreSQL";
    if (kind == StorageKind.PostgreSql)
    {
        var o = BenchHost.PostgreSqlOptions();
        Console.WriteLine($"[{name}] starting a private PostgreSQL server; options: QueuePollInterval {o.QueuePollInterval.TotalMilliseconds:0} ms, " +
            $"EnableLongPolling {o.EnableLongPolling}, UseSlidingInvisibilityTimeout {o.UseSlidingInvisibilityTimeout}");
        if (!StartPostgres()) return 1;
    }

    var report = new StorageReport(name);
    report.RawChain = await MeasureAsync(kind, workers, name, "raw Hangfire chain (ContinueJobWith)", h => Measurements.RawChainAsync(h, timeout));
    report.PipelineChain = await MeasureAsync(kind, workers, name, "pipeline chain (bench_chain_200)", h => Measurements.PipelineChainAsync(h, timeout));
    report.RawFan = await MeasureAsync(kind, workers, name, "raw Hangfire fan (1,000 Enqueue)", h => Measurements.RawFanAsync(h, timeout));
    report.PipelineFan = await MeasureAsync(kind, workers, name, "pipeline fan (bench_fan_1000)", h => Measurements.PipelineFanAsync(h, timeout));
    reports.Add(report);
    Console.WriteLine();
    report.Print(workers);
    Console.WriteLine();
}

if (reports.Count > 1)
{
    Console.WriteLine("Summary");
    Console.WriteLine($"  {"storage",-12} {"hop ratio (median)",20} {"goal",8} {"throughput ratio",18} {"goal",8}");
    foreach (var r in reports)
    {
        Console.WriteLine($"  {r.Name,-12} {Report.Ratio(r.HopRatio),20} {Report.Verdict(r.HopGoalMet),8} {Report.Ratio(r.ThroughputRatio),18} {Report.Verdict(r.ThroughputGoalMet),8}");
    }
}
return 0;

static async Task<T> MeasureAsync<T>(StorageKind kind, int workers, string storage, string what, Func<BenchHost, Task<T>> measure)
{
    Console.Write($"[{storage}] {what} ... ");
    Probe.Clear();
    await using var host = await BenchHost.StartAsync(kind, workers);
    await Measurements.WarmUpAsync(host);
    var started = System.Diagnostics.Stopwatch.StartNew();
    var result = await measure(host);
    Console.WriteLine($"{started.Elapsed.TotalSeconds:0.0} s");
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
