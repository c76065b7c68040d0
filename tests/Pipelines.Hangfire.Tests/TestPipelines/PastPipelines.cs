using System.Collections.Immutable;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Hangfire.Tests.TestPipelines;

/// <summary>
/// Pipelines whose Load depends on past, built by hand (the generator's side of <c>DependsOnPast</c> comes separately):
/// Extract → Load → Publish. A task fails while <see cref="SideEffects.Flags"/> holds <c>fail {run}/{task}</c>, and waits
/// while it holds <c>hold {run}/{task}</c>, so a test decides per run what happens.
/// </summary>
public static class PastPipelines
{
    /// <summary>Load depends on past.</summary>
    public static readonly PipelineDefinition DependsOnPast = Build("depends_on_past", waitForDownstream: false);

    /// <summary>Load waits for downstream (and so depends on past).</summary>
    public static readonly PipelineDefinition WaitForDownstream = Build("wait_for_downstream", waitForDownstream: true);

    public static string Fail(string runId, string taskId) => $"fail {runId}/{taskId}";

    public static string Hold(string runId, string taskId) => $"hold {runId}/{taskId}";

    private static PipelineDefinition Build(string id, bool waitForDownstream)
    {
        var names = new[] { "Extract", "Load", "Publish" };
        var tasks = names.Select((name, i) => new TaskDefinition
        {
            Index = i,
            Id = name,
            Upstream = i == 0 ? ImmutableArray<int>.Empty : ImmutableArray.Create(i - 1),
            Downstream = i == names.Length - 1 ? ImmutableArray<int>.Empty : ImmutableArray.Create(i + 1),
            DependsOnPast = name == "Load",
            WaitForDownstream = name == "Load" && waitForDownstream,
        }).ToImmutableArray();
        return new PipelineDefinition(id, typeof(PastPipelines), tasks, async (taskIndex, invocation) =>
        {
            var run = invocation.Run;
            var effects = (SideEffects)invocation.Services.GetService(typeof(SideEffects))!;
            while (effects.Flags.TryGetValue(Hold(run.RunId, run.TaskId), out var held) && held > 0)
                await Task.Delay(20, invocation.CancellationToken);
            effects.Record(run);
            if (effects.Flags.TryGetValue(Fail(run.RunId, run.TaskId), out var failing) && failing > 0)
                throw new InvalidOperationException($"{run.TaskId} fails in {run.RunId}");
            return TaskOutcome.Completed(null);
        });
    }
}
