namespace Pipelines.Hangfire;

/// <summary>
/// A task moves on only in a running run: a queued run waits for a slot under MaxActiveRuns
/// (<see cref="RunAdmission"/> decides when it gets one), and a finished run starts nothing until an operator clears or
/// marks its tasks.
/// </summary>
internal sealed class RunIsActive : IReadinessReason
{
    public const string Name = "Run is active";

    public static readonly RunIsActive Instance = new();

    public TaskDependency Evaluate(ReadinessContext context)
    {
        if (context.Deciding && context.RunState == RunState.Running) return ReadinessContext.MetWithoutSentence(Name);
        var pipeline = context.Pipeline;
        var active = context.ActiveRuns is { } count ? $"{count} active run(s), " : "";
        return context.RunState switch
        {
            RunState.Running => new TaskDependency(Name, true, $"The run is running ({active}MaxActiveRuns = {pipeline.MaxActiveRuns})."),
            RunState.Queued => new TaskDependency(Name, false,
                $"The run waits for a free slot: pipeline '{pipeline.Id}' allows {pipeline.MaxActiveRuns} active run(s){(context.ActiveRuns is { } n ? $" and has {n}" : "")}; waiting runs start oldest first as active ones finish."),
            _ => new TaskDependency(Name, false, $"The run has ended ({context.RunState.Name()}); clear the task to run it again."),
        };
    }

    TaskDependency? IReadinessReason.Evaluate(ReadinessContext context) => Evaluate(context);
}
