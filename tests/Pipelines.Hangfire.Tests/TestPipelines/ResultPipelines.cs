using System.Globalization;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Hangfire.Tests.TestPipelines;

/// <summary>A task that ends when the test says (a flag named by its run), and one that takes its result (see ResultKeepingTests).</summary>
[Pipeline("held_result")]
public sealed partial class HeldResult(SideEffects effects)
{
    [PipelineTask]
    public int Hold(RunContext run)
    {
        effects.Record(run, "entered");
        var until = DateTime.UtcNow.AddSeconds(60);
        while (!effects.Flags.ContainsKey(run.RunId) && DateTime.UtcNow < until) Thread.Sleep(10);
        return 42;
    }

    [PipelineTask]
    public void Next([FromTask(nameof(Hold))] int value, RunContext run) => effects.Record(run, value.ToString(CultureInfo.InvariantCulture));
}
