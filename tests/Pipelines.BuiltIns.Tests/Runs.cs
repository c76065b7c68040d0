using System.Collections.Immutable;
using Microsoft.Extensions.Logging;

namespace Pipelines.BuiltIns.Tests;

/// <summary>Builds the run contexts and pipeline definitions the built-in task specifications are stated with.</summary>
internal static class Runs
{
    /// <summary>A run of <paramref name="pipelineId"/> on <paramref name="logicalDate"/> covering that day in UTC.</summary>
    public static RunContext On(LocalDate logicalDate, string pipelineId = "any_pipeline", ILogger? logger = null) =>
        new(pipelineId, "run-1", "task", logicalDate,
            new Interval(logicalDate.AtStartOfDayInZone(DateTimeZone.Utc).ToInstant(), logicalDate.PlusDays(1).AtStartOfDayInZone(DateTimeZone.Utc).ToInstant()),
            logger: logger);

    /// <summary>A run of <paramref name="pipelineId"/> covering <paramref name="start"/> to <paramref name="end"/>.</summary>
    public static RunContext Covering(string pipelineId, Instant start, Instant end, ILogger? logger = null) =>
        new(pipelineId, "run-1", "task", start.InUtc().Date, new Interval(start, end), logger: logger);

    /// <summary>A pipeline with no tasks and the given settings, as the generator would emit it.</summary>
    public static PipelineDefinition Pipeline(string id, string? schedule, string timeZone = "UTC", string? calendar = null) =>
        new(id, typeof(Runs), ImmutableArray<TaskDefinition>.Empty, static (_, _) => new ValueTask<TaskOutcome>(TaskOutcome.Completed(null)))
        {
            Schedule = schedule,
            TimeZone = timeZone,
            Calendar = calendar,
        };

    /// <summary>A pipeline id no other test uses, so registering it in the process-wide catalog cannot collide.</summary>
    public static string UniqueId(string prefix) => $"{prefix}_{Guid.NewGuid():N}";
}

/// <summary>Keeps what a built-in wrote to <see cref="RunContext.Logger"/>.</summary>
internal sealed class RecordingLogger : ILogger
{
    public List<string> Messages { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Messages.Add(formatter(state, exception));
}
