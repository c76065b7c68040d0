using System.Diagnostics;
using Pipelines.Benchmarks.Workloads;

namespace Pipelines.Benchmarks.Infrastructure;

/// <summary>
/// The benchmark assembly re-executed as one Hangfire server process (<c>--serve-worker --connection CS --workers N</c>),
/// started by <see cref="ServerProcesses"/>. It serves the many-runs and memory workloads on the given PostgreSQL
/// database, prints <c>ready</c>, and answers commands on stdin, one a line: <c>stats</c> prints
/// <c>stats WORKING_SET GC_HEAP CPU_MS JIT_METHODS JIT_MS</c> after a full garbage collection; <c>stop</c>, or the end of stdin (the parent
/// closed it, or died), stops the server and exits.
/// </summary>
public static class ServerWorker
{
    public const string Mode = "--serve-worker";

    /// <summary>The pipelines a server process serves.</summary>
    public static PipelineDefinition[] Pipelines => [Many20.Definition, Memory4.Definition, Warmup.Definition];

    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        string? connection = null;
        var workers = Options.DefaultWorkers;
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            switch (args[i])
            {
                case "--connection": connection = args[i + 1]; break;
                case "--workers": workers = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
                default:
                    Console.Error.WriteLine($"error: unknown worker argument '{args[i]}'.");
                    return 2;
            }
        }
        if (connection is null)
        {
            Console.Error.WriteLine("error: --serve-worker needs --connection.");
            return 2;
        }

        await using var host = await BenchHost.ServeAsync(connection, workers, Pipelines);
        Console.Out.WriteLine("ready");
        Console.Out.Flush();
        while (await Console.In.ReadLineAsync() is { } line && line != "stop")
        {
            if (line != "stats") continue;
            var stats = Stats();
            Console.Out.WriteLine($"stats {stats.WorkingSet} {stats.GcHeap} {stats.CpuMs} {System.Runtime.JitInfo.GetCompiledMethodCount()} {(long)System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds}");
            Console.Out.Flush();
        }
        return 0;
    }

    /// <summary>Memory after a full, compacting collection (what the process keeps), and the CPU time used so far.</summary>
    public static (long WorkingSet, long GcHeap, long CpuMs) Stats()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        using var self = Process.GetCurrentProcess();
        return (self.WorkingSet64, GC.GetTotalMemory(forceFullCollection: false), (long)self.TotalProcessorTime.TotalMilliseconds);
    }
}
