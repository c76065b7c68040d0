using System.Collections.Generic;
using System.Linq;
using NodaTime;
using Pipelines.Calendars;

namespace Pipelines.Hangfire;

/// <summary>
/// The deadlines of one pipeline, resolved once: its run's (<c>[Pipeline(Deadline = ...)]</c>) and its tasks'
/// (<c>[PipelineTask(Deadline = ...)]</c>), each a <see cref="DeadlineSchedule"/> in the pipeline's zone and calendar.
/// </summary>
internal sealed class PipelineDeadlines
{
    private PipelineDeadlines(PipelineDefinition pipeline, DeadlineSchedule? run, IReadOnlyList<(TaskDefinition Task, DeadlineSchedule Deadline)> tasks)
    {
        Pipeline = pipeline;
        Run = run;
        Tasks = tasks;
    }

    public PipelineDefinition Pipeline { get; }

    /// <summary>The run's deadline, or null.</summary>
    public DeadlineSchedule? Run { get; }

    /// <summary>The tasks that have a deadline, in the pipeline's order.</summary>
    public IReadOnlyList<(TaskDefinition Task, DeadlineSchedule Deadline)> Tasks { get; }

    /// <summary>The deadlines of <paramref name="pipeline"/>, or null when neither it nor a task of it has one.</summary>
    public static PipelineDeadlines? Of(PipelineDefinition pipeline)
    {
        if (pipeline.Deadline is null && pipeline.Tasks.All(t => t.Deadline is null)) return null;
        var tasks = pipeline.Tasks.Where(t => t.Deadline is not null).Select(t => (t, DeadlineSchedule.For(pipeline, t)!)).ToList();
        return new PipelineDeadlines(pipeline, DeadlineSchedule.For(pipeline), tasks);
    }

    /// <summary>The latest of the deadlines for the run of <paramref name="logicalDate"/> whose data interval ends at <paramref name="dataIntervalEnd"/>, or null when none falls on it.</summary>
    public Instant? Latest(LocalDate logicalDate, Instant? dataIntervalEnd)
    {
        Instant? latest = Run?.For(logicalDate, dataIntervalEnd);
        foreach (var (_, deadline) in Tasks)
            if (deadline.For(logicalDate, dataIntervalEnd) is { } at && (latest is null || at > latest)) latest = at;
        return latest;
    }
}
