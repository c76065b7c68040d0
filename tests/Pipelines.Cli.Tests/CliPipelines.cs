using Microsoft.Extensions.Logging;
using System.Collections.Concurrent;

namespace Pipelines.Cli.Tests;

public sealed class Effects
{
    public ConcurrentQueue<string> Log { get; } = new();
    public ConcurrentDictionary<string, int> Flags { get; } = new();
}

public sealed record Fundamentals(string Session, int Companies);

[Pipeline("nightly_load", Schedule = "0 4 * * 1-5", TimeZone = "America/New_York", Calendar = "XNYS", Description = "Ingest and build fundamentals.")]
public sealed partial class NightlyLoad(Effects effects)
{
    [PipelineTask(Retries = 1, RetryDelay = "00:00:00.200")]
    public Fundamentals Ingest(RunContext run)
    {
        effects.Log.Enqueue($"{run.RunId}/Ingest");
        run.Logger.LogInformation("connecting to the vendor, try {Try}", run.TryNumber);
        if (effects.Flags.TryGetValue("fail", out var fail) && fail > 0) throw new IOException("vendor unreachable");
        return new Fundamentals(run.LogicalDate.ToString("uuuu-MM-dd", null), 5);
    }

    [PipelineTask]
    public async Task<string> Build([FromTask(nameof(Ingest))] Fundamentals fundamentals, RunContext run, CancellationToken cancellationToken)
    {
        effects.Log.Enqueue($"{run.RunId}/Build");
        for (var i = 0; i < 1500 && effects.Flags.TryGetValue("hold", out var hold) && hold > 0; i++) await Task.Delay(20, cancellationToken);
        return $"{fundamentals.Session}:{fundamentals.Companies}:{(run.Parameters.TryGetValue("mode", out var m) ? m : "full")}";
    }

    [PipelineTask(Queue = "risk"), DependsOn(nameof(Build))]
    public void QueueRisk(RunContext run) => effects.Log.Enqueue($"{run.RunId}/QueueRisk");
}

[Pipeline("adhoc_report")]
public sealed partial class AdhocReport
{
    [PipelineTask, Condition] public static bool IsWeekday(RunContext run) => run.LogicalDate.DayOfWeek < NodaTime.IsoDayOfWeek.Saturday;
    [PipelineTask, DependsOn(nameof(IsWeekday))] public static string Render() => "report";
}

[Pipeline("close_report", Schedule = "@session_close+00:30", TimeZone = "America/New_York", Calendar = "XNYS")]
public sealed partial class CloseReport
{
    [PipelineTask] public static string Render(RunContext run) => run.LogicalDate.ToString("uuuu-MM-dd", null);
}
