using System.Globalization;
using Pipelines.Benchmarks.Infrastructure;

namespace Pipelines.Benchmarks;

/// <summary>A bad command line: reported on one line, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The command line of the benchmark.</summary>
public sealed record Options(IReadOnlyList<StorageKind> Storages, int Workers, TimeSpan Timeout, bool Help)
{
    public const string Usage = "usage: dotnet run -c Release --project tests/Pipelines.Benchmarks -- [dashboard] [--storage inmemory|postgres|both] [--workers N] [--timeout SECONDS]";

    /// <summary>Hangfire's own default worker count: five per core, at most 20.</summary>
    public static int DefaultWorkers => Math.Min(Environment.ProcessorCount * 5, 20);

    public static Options Parse(IReadOnlyList<string> args)
    {
        IReadOnlyList<StorageKind> storages = [StorageKind.InMemory, StorageKind.PostgreSql];
        var workers = DefaultWorkers;
        var timeout = TimeSpan.FromSeconds(90);
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
                    return new Options(storages, workers, timeout, Help: true);
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
                case "--workers":
                    var w = Value();
                    workers = int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 1000
                        ? n : throw new UsageException($"--workers takes a whole number from 1 to 1000, not '{w}'.");
                    break;
                case "--timeout":
                    var t = Value();
                    timeout = int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var s) && s is > 0 and <= 3600
                        ? TimeSpan.FromSeconds(s) : throw new UsageException($"--timeout takes seconds from 1 to 3600, not '{t}'.");
                    break;
                default:
                    throw new UsageException($"unknown argument '{args[i]}'.");
            }
        }
        return new Options(storages, workers, timeout, Help: false);
    }
}
