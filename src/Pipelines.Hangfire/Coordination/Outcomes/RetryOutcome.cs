namespace Pipelines.Hangfire;

/// <summary>
/// A try that failed: up for retry while the task has retries left in its current attempt (its next try's job due when
/// <see cref="RetryPeriodElapsed"/> says), failed otherwise.
/// </summary>
internal static class RetryOutcome
{
    public static void Apply(RunWork work, TaskDefinition definition, TaskInstance task, string error)
    {
        var now = work.Now;
        var tryOfAttempt = task.TryOfAttempt;
        if (tryOfAttempt <= definition.Retries)
        {
            // A reschedule-mode sensor's timeout counts from its first poke across its retries, as in Airflow; a poke-mode
            // sensor waits within one try, so each try has its own.
            var firstPoke = definition.Sensor is { Mode: SensorMode.Reschedule } ? task.FirstPoke : null;
            var retry = task with { State = TaskState.UpForRetry, End = now, TryNumber = task.TryNumber + 1, FirstPoke = firstPoke };
            var due = RetryPeriodElapsed.DueAt(definition, retry, now);
            var reason = $"Try {task.TryNumber} failed: {error}. Retry {tryOfAttempt} of {definition.Retries} at {PipelineStore.Format(due)}.";
            work.Set(retry with { Reason = reason });
            work.Jobs.Add(new PendingJob(task.TaskId, retry.TryNumber, due - now));
            work.Event(PipelineEventKind.TaskRetry, task.TaskId, TaskState.UpForRetry.Name(), reason);
        }
        else
        {
            var reason = definition.Retries == 0
                ? $"Failed on try {task.TryNumber}: {error}."
                : task.FirstTry == 1
                    ? $"Failed on try {task.TryNumber}, the last of {definition.Retries + 1}: {error}."
                    : $"Failed on try {task.TryNumber}, the last of {definition.Retries + 1} since it was cleared: {error}.";
            work.Set(task with { State = TaskState.Failed, End = now, Reason = reason });
            work.Event(PipelineEventKind.TaskFailed, task.TaskId, TaskState.Failed.Name(), reason);
        }
    }
}
