namespace Pipelines.Hangfire;

/// <summary>A condition that returned false: it succeeds, and everything downstream of it is skipped.</summary>
internal static class ConditionOutcome
{
    public static void Apply(RunWork work, TaskDefinition definition, TaskInstance task)
    {
        work.Set(task with { State = TaskState.Success, End = work.Now, Reason = "Condition returned false: everything downstream is skipped." });
        DownstreamSkip.Skip(work, DownstreamSkip.Reachable(work.Pipeline, new[] { definition.Index }), $"Skipped: condition '{definition.Id}' returned false.");
    }
}
