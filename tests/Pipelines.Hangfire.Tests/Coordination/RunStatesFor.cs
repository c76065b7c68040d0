using System.Collections.Immutable;
using NodaTime;

namespace Pipelines.Hangfire.Tests.Coordination;

/// <summary>Builds a run's state in memory, as a coordination step holds it and as people read it, without a server.</summary>
internal static class RunStatesFor
{
    public static readonly Instant Now = Instant.FromUtc(2024, 3, 8, 9, 0);

    /// <summary>A step over a run whose tasks are fresh except <paramref name="tasks"/>.</summary>
    public static RunWork Work(PipelineDefinition pipeline, RunState runState, Instant now, params TaskInstance[] tasks)
    {
        var work = new RunWork(pipeline, "manual__2024-03-08__test", runState, _ => null, now);
        foreach (var task in tasks) work.Set(task);
        return work;
    }

    /// <summary>A step over a run of a pipeline paused an hour before <paramref name="now"/>.</summary>
    public static RunWork PausedWork(PipelineDefinition pipeline, RunState runState, Instant now, params TaskInstance[] tasks)
    {
        var work = new RunWork(pipeline, "manual__2024-03-08__test", runState, _ => null, now) { Pause = new PipelinePause(true, now - Duration.FromHours(1)) };
        foreach (var task in tasks) work.Set(task);
        return work;
    }

    /// <summary>The same state as a run read for people (the dashboard, the command line).</summary>
    public static PipelineRun Run(RunWork work) => new(
        work.Pipeline.Id, work.RunId, RunKind.Manual, new LocalDate(2024, 3, 8), new Interval(Now, Now + Duration.FromDays(1)),
        new Dictionary<string, string>(), work.RunState, Now, null, null, work.All.ToImmutableArray());

    public static TaskInstance Task(string id, TaskState state, int tryNumber = 1, Instant? start = null, Instant? end = null, params string[] jobs) =>
        TaskInstance.Fresh(id) with { State = state, TryNumber = tryNumber, Start = start, End = end, JobIds = jobs.ToImmutableArray() };
}
