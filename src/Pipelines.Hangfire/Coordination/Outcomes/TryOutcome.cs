namespace Pipelines.Hangfire;

/// <summary>
/// Records how a try ended, under the run's lock: a failure goes to <see cref="RetryOutcome"/>, an unsatisfied sensor to
/// <see cref="SensorOutcome"/>, a false condition to <see cref="ConditionOutcome"/>, a branch to <see cref="BranchOutcome"/>,
/// and anything else succeeds. The cascade then moves what lies downstream.
/// </summary>
internal static class TryOutcome
{
    public static void Apply(RunWork work, TaskDefinition definition, TaskInstance task, TryResult result)
    {
        if (task.ClearRequested)
        {
            work.Set(task with
            {
                State = TaskState.None, Start = null, End = null, FirstPoke = null, ClearRequested = false, FirstTry = task.TryNumber + 1,
                Reason = $"Cleared by an operator while try {task.TryNumber} ran; its result was discarded. Waiting for its upstream tasks.",
            });
            return;
        }
        if (result.Error is { } error)
        {
            RetryOutcome.Apply(work, definition, task, error);
            return;
        }

        var outcome = result.Outcome!;
        switch (definition.Kind)
        {
            case TaskKind.Sensor when outcome.Result != true:
                SensorOutcome.Apply(work, definition, task);
                return;
            case TaskKind.Condition when outcome.Result == false:
                ConditionOutcome.Apply(work, definition, task);
                break;
            case TaskKind.Branch:
                if (!BranchOutcome.Apply(work, definition, task, outcome)) return;
                break;
            default:
                work.Set(task with { State = TaskState.Success, End = work.Now, Reason = task.TryNumber == 1 ? "Succeeded." : $"Succeeded on try {task.TryNumber}." });
                break;
        }

        if (outcome.OutputJson is not null) work.Outputs[task.TaskId] = outcome.OutputJson;
        work.Event(PipelineEventKind.TaskSucceeded, task.TaskId, TaskState.Success.Name(), work[task.TaskId].Reason ?? "");
    }
}
