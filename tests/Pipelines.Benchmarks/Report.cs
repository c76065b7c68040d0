using System.Globalization;

namespace Pipelines.Benchmarks;

/// <summary>The four measurements on one storage, printed as a table with the ratios against the goals.</summary>
public sealed class StorageReport(string name)
{
    public string Name { get; } = name;
    public ChainResult? PipelineChain { get; set; }
    public ChainResult? RawChain { get; set; }
    public FanResult? PipelineFan { get; set; }
    public FanResult? RawFan { get; set; }

    /// <summary>Median body-to-body hop, ours over raw; the goal is at most 2.</summary>
    public double HopRatio => Report.Median(PipelineChain!.BodyHopsMs) / Report.Median(RawChain!.BodyHopsMs);

    /// <summary>Tasks per second, ours over raw; the goal is at least 0.5.</summary>
    public double ThroughputRatio => PipelineFan!.TasksPerSecond / RawFan!.TasksPerSecond;

    /// <summary>Whether the hop goal is met; null when a chain timed out (no verdict on partial figures).</summary>
    public bool? HopGoalMet => PipelineChain!.Completed && RawChain!.Completed ? HopRatio <= 2.0 : null;

    /// <summary>Whether the throughput goal is met; null when a fan-out timed out.</summary>
    public bool? ThroughputGoalMet => PipelineFan!.Completed && RawFan!.Completed ? ThroughputRatio >= 0.5 : null;

    public void Print(int workers)
    {
        var ours = PipelineChain!;
        var raw = RawChain!;
        Console.WriteLine($"{Name} storage, {workers} workers");
        Console.WriteLine($"  {"measurement",-46} {"Pipelines",12} {"raw Hangfire",14} {"ours/raw",10} {"goal",12}");
        Row("hop, body to body, median (ms)", Report.Median(ours.BodyHopsMs), Report.Median(raw.BodyHopsMs), "<= 2x", HopGoalMet);
        Row("hop, body to body, p95 (ms)", Report.P95(ours.BodyHopsMs), Report.P95(raw.BodyHopsMs));
        Row("hop, body to body, mean (ms)", Report.Mean(ours.BodyHopsMs), Report.Mean(raw.BodyHopsMs));
        Row("hop, body to body, max (ms)", Report.Max(ours.BodyHopsMs), Report.Max(raw.BodyHopsMs));
        Count($"hops of {Measurements.ChainLength - 1} that took >= 500 ms", ours.BodyHopsMs.Count(h => h >= 500), raw.BodyHopsMs.Count(h => h >= 500));
        Row("hop, state records, median (ms) [1]", Report.Median(ours.RecordHopsMs), Report.Median(raw.RecordHopsMs));
        Row("hop, state records, p95 (ms) [1]", Report.P95(ours.RecordHopsMs), Report.P95(raw.RecordHopsMs));
        Row($"chain of {Measurements.ChainLength}: wall time (s)", ours.WallMs / 1000, raw.WallMs / 1000);
        Row($"fan-out of {Measurements.FanWidth:N0}: wall time (s)", PipelineFan!.WallMs / 1000, RawFan!.WallMs / 1000);
        Row("fan-out throughput (tasks/s)", PipelineFan.TasksPerSecond, RawFan.TasksPerSecond, ">= 0.5x", ThroughputGoalMet);
        Console.WriteLine("  [1] Pipelines: TaskInstance.End of task i to Start of task i+1; raw: Succeeded of job i to Processing of job i+1.");
        foreach (var costs in new[] { ours.Costs, PipelineFan.Costs })
        {
            if (costs is null) continue;
            Console.WriteLine($"  where the time goes, {costs.Tasks}-task run: fetch of all task records {Report.Number(costs.FetchMs)} ms (each CompleteTry does one; " +
                $"parsing them all too, as the pages do, {Report.Number(costs.ReadTasksMs)} ms), run lock acquire+release (uncontended) {Report.Number(costs.LockMs)} ms " +
                "(each BeginTry and CompleteTry takes it)");
        }
        if (PipelineFan.FanOutMs is { } fanOut && PipelineFan.FanInMs is { } fanIn)
            Console.WriteLine($"  pipeline fan-out: Start's end to the first worker task's start {Report.Number(fanOut)} ms; last worker task's end to Join's start {Report.Number(fanIn)} ms");
        foreach (var (label, done, total, completed) in new[]
        {
            ("pipeline chain", ours.Done, ours.Total, ours.Completed), ("raw chain", raw.Done, raw.Total, raw.Completed),
            ("pipeline fan-out", PipelineFan.Done, PipelineFan.Total, PipelineFan.Completed), ("raw fan-out", RawFan.Done, RawFan.Total, RawFan.Completed),
        })
        {
            if (!completed) Console.WriteLine($"  TIMED OUT: {label} finished {done} of {total} tasks before the timeout; its figures cover those only.");
        }
    }

    private static void Row(string label, double ours, double raw, string goal = "", bool? met = null)
    {
        var ratio = raw > 0 ? ours / raw : double.NaN;
        var verdict = goal.Length == 0 ? "" : $"{goal} {Report.Verdict(met)}";
        Console.WriteLine($"  {label,-46} {Report.Number(ours),12} {Report.Number(raw),14} {Report.Ratio(ratio),10} {verdict,12}");
    }

    private static void Count(string label, int ours, int raw) =>
        Console.WriteLine($"  {label,-46} {ours,12} {raw,14}");
}

/// <summary>Statistics and formatting.</summary>
public static class Report
{
    public static double Median(double[] values) => Percentile(values, 0.50);

    public static double P95(double[] values) => Percentile(values, 0.95);

    public static double Mean(double[] values) => values.Length == 0 ? double.NaN : values.Average();

    public static double Max(double[] values) => values.Length == 0 ? double.NaN : values.Max();

    /// <summary>Nearest-rank percentile.</summary>
    public static double Percentile(double[] values, double p)
    {
        if (values.Length == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static string Number(double value) => double.IsNaN(value) ? "n/a"
        : value.ToString(Math.Abs(value) >= 100 ? "N0" : Math.Abs(value) >= 10 ? "N1" : "N2", CultureInfo.InvariantCulture);

    public static string Ratio(double value) => double.IsNaN(value) || double.IsInfinity(value) ? "n/a" : value.ToString("0.00", CultureInfo.InvariantCulture) + "x";

    public static string Verdict(bool? met) => met switch { true => "met", false => "MISSED", null => "n/a" };
}
