using System.Globalization;
using Pipelines.Benchmarks.Infrastructure;

namespace Pipelines.Benchmarks;

/// <summary>A bad command line: reported on one line, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>What the harness measures; <c>--measure</c> picks any of them.</summary>
public enum Measure
{
    /// <summary>Hop latency: a 200-task chain against raw continuations (both storages).</summary>
    Hop,

    /// <summary>Throughput: a 1,000-task fan-out/fan-in against raw Enqueue (both storages).</summary>
    Fanout,

    /// <summary>Mapped throughput: a 1,000-instance mapped fan-out/fan-in against raw Enqueue (both storages), beside <see cref="Fanout"/>.</summary>
    Mapped,

    /// <summary>Many runs on many server processes (PostgreSQL).</summary>
    Many,

    /// <summary>One big fan-out run (PostgreSQL).</summary>
    Big,

    /// <summary>A server process's memory across many finished runs (PostgreSQL).</summary>
    Memory,
}

/// <summary>The command line of the benchmark.</summary>
public sealed record Options(IReadOnlyList<StorageKind> Storages, int Workers, TimeSpan Timeout, bool Help)
{
    public const string Usage = "usage: dotnet run -c Release --project tests/Pipelines.Benchmarks -- [dashboard] [--storage inmemory|postgres|both] " +
        "[--measure hop,fanout,mapped,many,big,memory] [--rounds N] [--workers N] [--timeout SECONDS] [--runs N] [--many-rounds N] [--servers 1,2,4] [--big-tasks 500|1000|10000] [--memory-runs N]";

    /// <summary>Hangfire's own default worker count: five per core, at most 20.</summary>
    public static int DefaultWorkers => Math.Min(Environment.ProcessorCount * 5, 20);

    /// <summary>The fan-out sizes compiled into the harness (bench_fan_1000 and the generated bench_big_N).</summary>
    public static IReadOnlyList<int> BigSizes => Workloads.BigFans.Sizes;

    /// <summary>Which measurements run; all by default.</summary>
    public IReadOnlySet<Measure> Measures { get; init; } = new HashSet<Measure>(Enum.GetValues<Measure>());

    /// <summary>Rounds of alternating raw and pipeline measurements for hop, fan-out and mapped fan-out; the ratio reported is their median.</summary>
    public int Rounds { get; init; } = 5;

    /// <summary>Concurrent runs of the 20-task DAG in the many-runs measurement.</summary>
    public int Runs { get; init; } = 100;

    /// <summary>
    /// Pairs of raw and pipeline measurements per server count in the many-runs measurement; the ratio reported is their
    /// median. Five, not three: a pair takes about 15 s, and the median of three pairs on one server moved by about a
    /// tenth between runs, around its goal.
    /// </summary>
    public int ManyRounds { get; init; } = 5;

    /// <summary>Server process counts of the many-runs measurement.</summary>
    public IReadOnlyList<int> Servers { get; init; } = [1, 2, 4];

    /// <summary>Width of the one big fan-out: the largest compiled (10,000 in Release builds).</summary>
    public int BigTasks { get; init; } = BigSizes.Max();

    /// <summary>Finished runs between the memory measurement's first and last reading.</summary>
    public int MemoryRuns { get; init; } = 1000;

    public static Options Parse(IReadOnlyList<string> args)
    {
        IReadOnlyList<StorageKind> storages = [StorageKind.InMemory, StorageKind.PostgreSql];
        var workers = DefaultWorkers;
        var timeout = TimeSpan.FromSeconds(90);
        var defaults = new Options(storages, workers, timeout, Help: false);
        var measures = defaults.Measures;
        var (rounds, runs, servers, bigTasks, memoryRuns) = (defaults.Rounds, defaults.Runs, defaults.Servers, defaults.BigTasks, defaults.MemoryRuns);
        var manyRounds = defaults.ManyRounds;
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string? inline = null;
            if (name.StartsWith("--", StringComparison.Ordinal) && name.IndexOf('=') is var eq and > 0)
            {
                inline = name[(eq + 1)..];
                name = name[..eq];
            }
            string Value() => inline ?? (i + 1 < args.Count ? args[++i] : throw new UsageException($"{name} needs a value."));

            switch (name)
            {
                case "-h" or "--help" when inline is null:
                    return defaults with { Help = true };
                case "--storage":
                    var storage = Value();
                    storages = storage.ToLowerInvariant() switch
                    {
                        "inmemory" or "in-memory" or "memory" => [StorageKind.InMemory],
                        "postgres" or "postgresql" => [StorageKind.PostgreSql],
                        "both" => [StorageKind.InMemory, StorageKind.PostgreSql],
                        _ => throw new UsageException($"unknown storage '{storage}': use inmemory, postgres or both."),
                    };
                    break;
                case "--measure":
                    measures = ParseMeasures(Value());
                    break;
                case "--workers":
                    workers = Whole(name, Value(), 1, 1000);
                    break;
                case "--timeout":
                    timeout = TimeSpan.FromSeconds(Whole(name, Value(), 1, 3600, "seconds"));
                    break;
                case "--rounds":
                    rounds = Whole(name, Value(), 1, 100);
                    break;
                case "--many-rounds":
                    manyRounds = Whole(name, Value(), 1, 100);
                    break;
                case "--runs":
                    runs = Whole(name, Value(), 1, 10_000);
                    break;
                case "--servers":
                    var list = Value();
                    var counts = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                    servers = counts.Length > 0
                        ? counts.Select(c => Whole(name, c, 1, 16)).Distinct().Order().ToArray()
                        : throw new UsageException($"--servers takes a comma-separated list of server counts such as 1,2,4, not '{list}'.");
                    break;
                case "--big-tasks":
                    var b = Value();
                    bigTasks = int.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out var size) && BigSizes.Contains(size)
                        ? size : throw new UsageException($"--big-tasks takes a compiled fan-out size ({string.Join(", ", BigSizes)}), not '{b}'.");
                    break;
                case "--memory-runs":
                    memoryRuns = Whole(name, Value(), 1, 100_000);
                    break;
                default:
                    throw new UsageException($"unknown argument '{args[i]}'.");
            }
        }
        return new Options(storages, workers, timeout, Help: false)
        {
            Measures = measures, Rounds = rounds, Runs = runs, ManyRounds = manyRounds, Servers = servers, BigTasks = bigTasks, MemoryRuns = memoryRuns,
        };
    }

    private static HashSet<Measure> ParseMeasures(string text)
    {
        var set = new HashSet<Measure>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            set.Add(part.ToLowerInvariant() switch
            {
                "hop" => Measure.Hop,
                "fanout" or "fan" => Measure.Fanout,
                "mapped" or "map" => Measure.Mapped,
                "many" => Measure.Many,
                "big" => Measure.Big,
                "memory" => Measure.Memory,
                "all" => Measure.Hop,
                _ => throw new UsageException($"unknown measurement '{part}': use hop, fanout, mapped, many, big, memory or all (comma-separated)."),
            });
            if (part.Equals("all", StringComparison.OrdinalIgnoreCase)) set.UnionWith(Enum.GetValues<Measure>());
        }
        return set.Count > 0 ? set : throw new UsageException("--measure needs at least one of hop, fanout, mapped, many, big, memory.");
    }

    private static int Whole(string name, string text, int min, int max, string unit = "a whole number") =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n : throw new UsageException($"{name} takes {unit} from {min} to {max}, not '{text}'.");
}
