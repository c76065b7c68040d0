using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// A sensor poked and not satisfied: poked again after its interval (the next poke's job due when
/// <see cref="RescheduleWaitElapsed"/> says) until its timeout, counted from its first poke; then failed, or skipped
/// with soft fail (only the sensor: what lies downstream follows its trigger rules, as in Airflow).
/// </summary>
internal static class SensorOutcome
{
    public static void Apply(RunWork work, TaskDefinition definition, TaskInstance task)
    {
        var now = work.Now;
        var sensor = definition.Sensor!;
        var firstPoke = task.FirstPoke ?? task.Start ?? now;
        var waited = now - firstPoke;
        var timeout = Duration.FromTimeSpan(sensor.Timeout);
        if (waited >= timeout)
        {
            var reason = $"Sensor timed out: not satisfied after waiting {Format(waited)} (timeout {Format(timeout)}).";
            if (sensor.SoftFail)
            {
                work.Set(task with { State = TaskState.Skipped, End = now, Reason = reason + " Skipped because of soft fail." });
            }
            else
            {
                work.Set(task with { State = TaskState.Failed, End = now, Reason = reason });
                work.Event(PipelineEventKind.TaskFailed, task.TaskId, TaskState.Failed.Name(), reason);
            }
            return;
        }

        var rescheduled = task with { State = TaskState.UpForReschedule, End = now, FirstPoke = firstPoke };
        var next = RescheduleWaitElapsed.DueAt(sensor, rescheduled, now);
        work.Set(rescheduled with { Reason = $"Sensor not satisfied yet (waiting {Format(waited)} of {Format(timeout)}); next poke at {PipelineStore.Format(next)}." });
        work.Jobs.Add(new PendingJob(task.TaskId, task.TryNumber, next - now));
    }

    private static string Format(Duration duration) => duration.ToString("H:mm:ss", System.Globalization.CultureInfo.InvariantCulture);
}
