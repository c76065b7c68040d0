using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// A reschedule-mode sensor that was not satisfied waits for its poke interval before it is poked again. The
/// coordinator schedules the next poke's job for <see cref="DueAt"/> (<see cref="SensorOutcome"/>); people read the same
/// time here.
/// </summary>
internal sealed class RescheduleWaitElapsed : IReadinessReason
{
    public const string Name = "Reschedule wait";

    public static readonly RescheduleWaitElapsed Instance = new();

    /// <summary>When the next poke of a sensor up for reschedule is due: its poke interval after the last poke ended.</summary>
    public static Instant DueAt(SensorSettings sensor, TaskInstance upForReschedule, Instant now) =>
        (upForReschedule.End ?? now) + Duration.FromTimeSpan(sensor.PokeInterval);

    public TaskDependency? Evaluate(ReadinessContext context)
    {
        var instance = context.Instance;
        if (instance.State != TaskState.UpForReschedule || context.Task.Sensor is not { } sensor) return null;
        var next = DueAt(sensor, instance, context.Now);
        var givesUp = instance.FirstPoke is { } first ? $" It gives up at {PipelineStore.Format(first + Duration.FromTimeSpan(sensor.Timeout))}, {sensor.Timeout:c} after its first poke." : "";
        return next <= context.Now
            ? new TaskDependency(Name, true, $"The sensor's next poke was due at {PipelineStore.Format(next)}.{givesUp}")
            : new TaskDependency(Name, false, $"The sensor is not satisfied yet; it is poked every {sensor.PokeInterval:c}, next at {PipelineStore.Format(next)}.{givesUp}");
    }
}
