using Microsoft.Extensions.Logging;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Hangfire.Tests.TestPipelines;

/// <summary>Pipelines only the telemetry tests run, so their measurements are theirs alone.</summary>
[Pipeline("telemetry_retries")]
public sealed partial class TelemetryRetries(SideEffects effects)
{
    /// <summary>Fails on its first two tries, then succeeds.</summary>
    [PipelineTask(Retries = 3, RetryDelay = "00:00:00.200")]
    public int Flaky(RunContext run)
    {
        effects.Record(run, "try" + run.TryNumber);
        if (run.TryNumber < 3) throw new IOException($"vendor FTP refused the connection (try {run.TryNumber})");
        return run.TryNumber;
    }

    [PipelineTask, DependsOn(nameof(Flaky))] public void After(RunContext run) => effects.Record(run);
}

[Pipeline("telemetry_exhausted")]
public sealed partial class TelemetryExhausted(SideEffects effects)
{
    [PipelineTask(Retries = 1, RetryDelay = "00:00:00.200")]
    public void AlwaysFails(RunContext run)
    {
        effects.Record(run, "try" + run.TryNumber);
        throw new InvalidOperationException("the vendor file is corrupt");
    }

    [PipelineTask, DependsOn(nameof(AlwaysFails))] public void Downstream(RunContext run) => effects.Record(run);
}

[Pipeline("telemetry_scheduled", Schedule = "*/5 * * * *", TimeZone = "Etc/UTC", Catchup = false)]
public sealed partial class TelemetryScheduled(SideEffects effects)
{
    [PipelineTask] public void Sample(RunContext run) => effects.Record(run);
}
