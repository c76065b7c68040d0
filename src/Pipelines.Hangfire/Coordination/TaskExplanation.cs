using System.Collections.Generic;
using System.Linq;
using NodaTime;
using Pipelines.Calendars;

namespace Pipelines.Hangfire;

/// <summary>One reason a task may or may not run, answered in a sentence.</summary>
/// <param name="Name">What is checked: "Trigger rule", "Retry period", "Max active runs", ...</param>
/// <param name="Met">Whether this reason allows the task to run.</param>
/// <param name="Sentence">Why, for people.</param>
public sealed record TaskDependency(string Name, bool Met, string Sentence);

/// <summary>
/// Why a task instance is (or is not) running: each dependency the scheduler checks, met or not, in a sentence.
/// The trigger rule is judged by <see cref="TriggerRuleEvaluator"/>, the very code the coordinator decides with.
/// </summary>
public static class TaskExplanation
{
    /// <summary>Explains <paramref name="taskId"/> in <paramref name="run"/> as of <paramref name="now"/>.</summary>
    public static IReadOnlyList<TaskDependency> Explain(PipelineDefinition pipeline, PipelineRun run, string taskId, int activeRuns, Instant now)
    {
        var definition = pipeline[taskId];
        var instance = run[taskId];
        var result = new List<TaskDependency>();

        // The run must be running: a queued run waits for a slot under MaxActiveRuns.
        result.Add(run.State switch
        {
            RunState.Queued => new TaskDependency("Max active runs", false,
                $"The run waits for a free slot: pipeline '{pipeline.Id}' already has {activeRuns} active run(s) and allows {pipeline.MaxActiveRuns}."),
            RunState.Running => new TaskDependency("Max active runs", true,
                $"The run is one of the {activeRuns} active run(s) allowed by MaxActiveRuns = {pipeline.MaxActiveRuns}."),
            _ => new TaskDependency("Run state", instance.State.IsTerminal(),
                $"The run has ended ({run.State.Name()}); clear the task to run it again."),
        });

        // Upstream states against the trigger rule.
        var upstream = definition.Upstream.Select(i => run[pipeline.Tasks[i].Id]).ToList();
        var evaluation = TriggerRuleEvaluator.Evaluate(definition.Trigger, UpstreamSummary.Of(upstream.Select(u => u.State)));
        var detail = upstream.Count == 0 ? "" : " Upstream: " + string.Join(", ", upstream.Select(u => $"{u.TaskId} {u.State.Name()}")) + ".";
        result.Add(new TaskDependency($"Trigger rule ({TriggerRuleEvaluator.RuleName(definition.Trigger)})",
            evaluation.Decision == TriggerDecision.Run, evaluation.Reason + detail));

        // Waiting for the next try or poke.
        if (instance.State == TaskState.UpForRetry)
        {
            // The task already counts the next try: the delay is the one after the try that failed.
            var next = (instance.End ?? now) + Duration.FromTimeSpan(definition.RetryDelayAfter(System.Math.Max(1, instance.TryOfAttempt - 1)));
            result.Add(new TaskDependency("Retry period", next <= now,
                next <= now ? $"The retry delay has passed; try {instance.TryNumber} is due." : $"Waiting for the retry delay: try {instance.TryNumber} ({instance.TryOfAttempt} of {definition.Retries + 1}) is due at {PipelineStore.Format(next)}."));
        }
        if (instance.State == TaskState.UpForReschedule && definition.Sensor is { } sensor)
        {
            result.Add(new TaskDependency("Reschedule wait", false,
                $"The sensor is not satisfied yet and is poked every {sensor.PokeInterval:c}; it gives up {sensor.Timeout:c} after its first poke" +
                (instance.FirstPoke is { } first ? $" ({PipelineStore.Format(first + Duration.FromTimeSpan(sensor.Timeout))})." : ".")));
        }

        // The calendar: a scheduled run exists only for sessions.
        if (pipeline.Calendar is { } calendarId && ExchangeCalendar.TryGet(calendarId, out var calendar))
        {
            var session = calendar.IsSession(run.LogicalDate);
            var name = calendar.TryGetHoliday(run.LogicalDate, out var holiday) ? holiday : run.LogicalDate.DayOfWeek.ToString();
            result.Add(new TaskDependency($"Calendar ({calendarId})", session,
                session ? $"{run.LogicalDate:yyyy-MM-dd} is a {calendarId} session." : $"{run.LogicalDate:yyyy-MM-dd} is not a {calendarId} session ({name})."));
        }
        return result;
    }
}
