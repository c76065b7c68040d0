using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Hangfire.Tests.TestPipelines;

/// <summary>Five parents finishing at about the same moment on different servers, joined by one child.</summary>
[Pipeline("fan_in", MaxActiveRuns = 100)]
public sealed partial class FanIn(SideEffects effects)
{
    [PipelineTask] public void Start(RunContext run) => effects.Record(run);
    [PipelineTask, DependsOn(nameof(Start))] public async Task<int> P1(RunContext run) { await Task.Delay(5); effects.Record(run); return 1; }
    [PipelineTask, DependsOn(nameof(Start))] public async Task<int> P2(RunContext run) { await Task.Delay(5); effects.Record(run); return 2; }
    [PipelineTask, DependsOn(nameof(Start))] public async Task<int> P3(RunContext run) { await Task.Delay(5); effects.Record(run); return 3; }
    [PipelineTask, DependsOn(nameof(Start))] public async Task<int> P4(RunContext run) { await Task.Delay(5); effects.Record(run); return 4; }
    [PipelineTask, DependsOn(nameof(Start))] public async Task<int> P5(RunContext run) { await Task.Delay(5); effects.Record(run); return 5; }

    [PipelineTask]
    public int Join([FromTask(nameof(P1))] int a, [FromTask(nameof(P2))] int b, [FromTask(nameof(P3))] int c, [FromTask(nameof(P4))] int d, [FromTask(nameof(P5))] int e, RunContext run)
    {
        effects.Record(run);
        return a + b + c + d + e;
    }

    [PipelineTask, DependsOn(nameof(Join))] public void Publish(RunContext run) => effects.Record(run);
}

[Pipeline("limited", MaxActiveRuns = 2)]
public sealed partial class Limited(SideEffects effects)
{
    [PipelineTask] public async Task Work(RunContext run) { effects.Record(run); await Task.Delay(100); }
}

/// <summary>One run at a time; its task holds while the "hold" flag is set.</summary>
[Pipeline("gated", MaxActiveRuns = 1)]
public sealed partial class Gated(SideEffects effects)
{
    [PipelineTask]
    public async Task Work(RunContext run, CancellationToken cancellationToken)
    {
        effects.Record(run);
        for (var i = 0; i < 1500 && effects.Flags.TryGetValue("hold", out var hold) && hold > 0; i++) await Task.Delay(20, cancellationToken);
    }
}

/// <summary>Prepare, then Publish, which holds while the "hold" flag is set and publishes what Prepare made.</summary>
[Pipeline("relay")]
public sealed partial class Relay(SideEffects effects)
{
    [PipelineTask] public string Prepare(RunContext run) { effects.Record(run); return $"batch {effects.Count(run.RunId, "Prepare")}"; }

    [PipelineTask]
    public async Task<string> Publish([FromTask(nameof(Prepare))] string batch, RunContext run, CancellationToken cancellationToken)
    {
        effects.Record(run, batch);
        for (var i = 0; i < 1500 && effects.Flags.TryGetValue("hold", out var hold) && hold > 0; i++) await Task.Delay(20, cancellationToken);
        return "published " + batch;
    }
}

