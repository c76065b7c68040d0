using Microsoft.Extensions.Logging;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Hangfire.Tests.TestPipelines;

public sealed record Prices(string Vendor, int Rows, decimal Total);

[Pipeline("linear")]
public sealed partial class Linear(SideEffects effects)
{
    [PipelineTask] public void Extract(RunContext run) => effects.Record(run);
    [PipelineTask, DependsOn(nameof(Extract))] public async Task Transform(RunContext run) { await Task.Yield(); effects.Record(run); }
    [PipelineTask(Queue = "loads"), DependsOn(nameof(Transform))] public void Load(RunContext run) => effects.Record(run);
}

[Pipeline("diamond")]
public sealed partial class Diamond(SideEffects effects)
{
    [PipelineTask]
    public Prices Ingest(RunContext run)
    {
        effects.Record(run);
        return new Prices(run.Parameters.TryGetValue("vendor", out var v) ? v : "acme", 3, 30.5m);
    }

    [PipelineTask]
    public int Left([FromTask(nameof(Ingest))] Prices prices, RunContext run) { effects.Record(run); return prices.Rows * 2; }

    [PipelineTask]
    public async Task<string> Right([FromTask(nameof(Ingest))] Prices prices, RunContext run) { await Task.Delay(10); effects.Record(run); return prices.Vendor.ToUpperInvariant(); }

    [PipelineTask]
    public string Join([FromTask(nameof(Left))] int left, [FromTask(nameof(Right))] string right, [FromTask(nameof(Ingest))] Prices prices, RunContext run)
    {
        effects.Record(run);
        return $"{right}:{left}:{prices.Total}";
    }
}

[Pipeline("retries")]
public sealed partial class Retries(SideEffects effects)
{
    /// <summary>Fails on its first two tries, then succeeds.</summary>
    [PipelineTask(Retries = 3, RetryDelay = "00:00:00.300", RetryExponentialBackoff = true, MaxRetryDelay = "00:00:01")]
    public int Flaky(RunContext run)
    {
        effects.Record(run, "try" + run.TryNumber);
        run.Logger.LogInformation("connecting to the vendor FTP, try {Try}", run.TryNumber);
        if (run.TryNumber < 3) throw new IOException($"vendor FTP refused the connection (try {run.TryNumber})");
        return run.TryNumber;
    }

    [PipelineTask, DependsOn(nameof(Flaky))] public void After(RunContext run) => effects.Record(run);
}

/// <summary>A task that logs more than a try keeps.</summary>
[Pipeline("chatty")]
public sealed partial class Chatty
{
    [PipelineTask]
    public void Talk(RunContext run)
    {
        run.Logger.LogWarning("columns: a|b|c\nsecond line");
        run.Logger.LogDebug("not kept: the app's logger has Debug off");
        for (var i = 1; i <= TaskLogLimit + 4; i++) run.Logger.LogInformation("line {Line}", i);
    }

    public const int TaskLogLimit = 1000;
}

/// <summary>One-task pipelines for the run-listing tests, each its own so runs of other tests on a shared database never mix in.</summary>
[Pipeline("listing_backfill")]
public sealed partial class ListingBackfill
{
    [PipelineTask] public void Work() { }
}

[Pipeline("listing_far_apart")]
public sealed partial class ListingFarApart
{
    [PipelineTask] public void Work() { }
}

/// <summary>Log lines a database index or encoder would refuse as they are.</summary>
[Pipeline("awkward_log")]
public sealed partial class AwkwardLog
{
    /// <summary>5,000 characters that do not compress: over Hangfire.PostgreSql's index limit for a set member.</summary>
    public static readonly string Incompressible = new(Enumerable.Range(0, 5000).Select(i => (char)('!' + (i * 7919 % 90))).ToArray());

    [PipelineTask]
    public void Talk(RunContext run)
    {
        run.Logger.LogInformation("short line before");
        run.Logger.LogInformation("{Blob}", Incompressible);
        run.Logger.LogInformation("a NUL \0 inside");
        run.Logger.LogInformation("{Text}", new string('a', 7999) + "\U0001F600 cut inside the emoji");
        run.Logger.LogInformation("a lone \uD800 surrogate");
        run.Logger.LogInformation("short line after");
    }
}

[Pipeline("exhausted")]
public sealed partial class Exhausted(SideEffects effects)
{
    [PipelineTask(Retries = 1, RetryDelay = "00:00:00.200")]
    public void AlwaysFails(RunContext run)
    {
        effects.Record(run, "try" + run.TryNumber);
        throw new InvalidOperationException("the vendor file is corrupt");
    }

    [PipelineTask, DependsOn(nameof(AlwaysFails))] public void Downstream(RunContext run) => effects.Record(run);
    [PipelineTask, DependsOn(nameof(Downstream))] public void FurtherDownstream(RunContext run) => effects.Record(run);
    [PipelineTask(Trigger = TriggerRule.AllDone), DependsOn(nameof(FurtherDownstream))] public void Cleanup(RunContext run) => effects.Record(run);
    /// <summary>A leaf the failure reaches, so the run fails (Cleanup alone would handle it, as in Airflow).</summary>
    [PipelineTask, DependsOn(nameof(AlwaysFails))] public void Report(RunContext run) => effects.Record(run);
}

[Pipeline("timeouts")]
public sealed partial class Timeouts(SideEffects effects)
{
    [PipelineTask(Timeout = "00:00:00.500")]
    public async Task Slow(RunContext run, CancellationToken cancellationToken)
    {
        effects.Record(run, "started");
        await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
        effects.Record(run, "finished");
    }
}

[Pipeline("clearable")]
public sealed partial class Clearable(SideEffects effects)
{
    [PipelineTask] public void Extract(RunContext run) => effects.Record(run);

    [PipelineTask, DependsOn(nameof(Extract))]
    public string Transform(RunContext run)
    {
        var attempt = effects.Record(run);
        if (effects.Flags.TryGetValue("break Transform", out var broken) && broken > 0) throw new InvalidOperationException("bad mapping file");
        return "transformed#" + attempt;
    }

    [PipelineTask] public string Load([FromTask(nameof(Transform))] string data, RunContext run) { effects.Record(run); return data + " loaded"; }
}

[Pipeline("pausable")]
public sealed partial class Pausable(SideEffects effects)
{
    [PipelineTask] public void Extract(RunContext run) => effects.Record(run);
    [PipelineTask, DependsOn(nameof(Extract))] public void Transform(RunContext run) => effects.Record(run);
    [PipelineTask(Queue = "loads"), DependsOn(nameof(Transform))] public void Load(RunContext run) => effects.Record(run);
}

[Pipeline("paused_on_creation", PausedOnCreation = true)]
public sealed partial class PausedOnCreationPipeline(SideEffects effects)
{
    [PipelineTask] public void Only(RunContext run) => effects.Record(run);
}
