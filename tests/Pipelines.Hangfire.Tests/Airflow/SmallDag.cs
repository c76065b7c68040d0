using System.Collections.Immutable;

namespace Pipelines.Hangfire.Tests.Airflow;

/// <summary>What a task of a <see cref="SmallDag"/> does when it runs.</summary>
public enum Does { Succeed, Fail, ReturnFalse, ReturnTrue, Choose }

/// <summary>One task of a small DAG built at run time: its id, upstream ids, trigger rule and behaviour.</summary>
public sealed record DagTask(string Id, string[] Upstream, TriggerRule Rule = TriggerRule.AllSuccess, Does Does = Does.Succeed, string[]? Targets = null, string[]? Chosen = null, int DelayMs = 0)
{
    /// <summary>The same task, taking <paramref name="milliseconds"/> before it ends.</summary>
    public DagTask Taking(int milliseconds) => this with { DelayMs = milliseconds };

    public override string ToString() => Id;
}

/// <summary>
/// A pipeline built by hand (no generator) from a few <see cref="DagTask"/>s, so the Airflow compatibility cases read as a
/// table: the DAG, and the states Airflow's documented rules give. Tasks are laid out in the order given, which must be
/// topological.
/// </summary>
public static class SmallDag
{
    public static DagTask T(string id, params string[] upstream) => new(id, upstream);

    public static DagTask T(string id, TriggerRule rule, params string[] upstream) => new(id, upstream, rule);

    public static DagTask Fail(string id, params string[] upstream) => new(id, upstream, Does: Does.Fail);

    public static DagTask Fail(string id, TriggerRule rule, params string[] upstream) => new(id, upstream, rule, Does.Fail);

    public static DagTask Condition(string id, bool result, TriggerRule rule, params string[] upstream) =>
        new(id, upstream, rule, result ? Does.ReturnTrue : Does.ReturnFalse);

    public static DagTask Branch(string id, string[] targets, string[] chosen, params string[] upstream) =>
        new(id, upstream, Does: Does.Choose, Targets: targets, Chosen: chosen);

    public static PipelineDefinition Build(string pipelineId, IReadOnlyList<DagTask> tasks)
    {
        var index = tasks.Select((t, i) => (t.Id, i)).ToDictionary(p => p.Id, p => p.i);
        var downstream = tasks.Select(_ => new List<int>()).ToArray();
        foreach (var task in tasks)
            foreach (var up in task.Upstream)
                downstream[index[up]].Add(index[task.Id]);
        var definitions = tasks.Select((t, i) => new TaskDefinition
        {
            Index = i,
            Id = t.Id,
            Kind = t.Does switch
            {
                Does.ReturnFalse or Does.ReturnTrue => TaskKind.Condition,
                Does.Choose => TaskKind.Branch,
                _ => TaskKind.Task,
            },
            Trigger = t.Rule,
            Upstream = t.Upstream.Select(u => index[u]).ToImmutableArray(),
            Downstream = downstream[i].ToImmutableArray(),
            BranchTargets = (t.Targets ?? Array.Empty<string>()).Select(x => index[x]).ToImmutableArray(),
        }).ToImmutableArray();
        return new PipelineDefinition(pipelineId, typeof(SmallDag), definitions, async (taskIndex, invocation) =>
        {
            var task = tasks[taskIndex];
            if (task.DelayMs > 0) await Task.Delay(task.DelayMs, invocation.CancellationToken);
            invocation.Services.GetService(typeof(Infrastructure.SideEffects)).As<Infrastructure.SideEffects>()?.Record(invocation.Run);
            return task.Does switch
            {
                Does.Fail => throw new InvalidOperationException($"{task.Id} fails"),
                Does.ReturnFalse => TaskOutcome.Condition(false),
                Does.ReturnTrue => TaskOutcome.Condition(true),
                Does.Choose => TaskOutcome.Branch(task.Chosen),
                _ => TaskOutcome.Completed(null),
            };
        });
    }

    private static T? As<T>(this object? value) where T : class => value as T;
}
