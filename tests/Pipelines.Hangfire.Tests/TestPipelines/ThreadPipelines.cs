using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Hangfire.Tests.TestPipelines;

/// <summary>Tasks that say which kind of thread their body ran on (see TaskJobThreadTests).</summary>
[Pipeline("thread_probe")]
public sealed partial class ThreadProbe(SideEffects effects)
{
    [PipelineTask] public void Plain(RunContext run) => effects.Record(run, Kind());

    [PipelineTask, DependsOn(nameof(Plain))]
    public async Task Awaiting(RunContext run)
    {
        var before = Kind();
        await Task.Yield();
        effects.Record(run, before);
    }

    private static string Kind() => Thread.CurrentThread.IsThreadPoolThread ? "pool" : "dedicated";
}
