using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Pipelines.Hangfire;

/// <summary>
/// Writes every event to the log: failures as errors, retries as warnings, the rest as information. It hears only the
/// events its log would keep (<see cref="IPipelineNotifier.Hears"/>): with the log at warnings, a success is not stored
/// for it.
/// </summary>
public sealed partial class LoggingNotifier(ILogger<LoggingNotifier> logger) : IPipelineNotifier
{
    /// <inheritdoc />
    public bool Hears(PipelineEvent pipelineEvent) => pipelineEvent is not null && logger.IsEnabled(LevelOf(pipelineEvent.Kind));

    /// <inheritdoc />
    public Task NotifyAsync(PipelineEvent pipelineEvent, CancellationToken cancellationToken)
    {
        System.ArgumentNullException.ThrowIfNull(pipelineEvent);
        Log(logger, LevelOf(pipelineEvent.Kind), pipelineEvent.Kind, pipelineEvent.PipelineId, pipelineEvent.RunId, pipelineEvent.TaskId ?? "-", pipelineEvent.State, pipelineEvent.Message);
        return Task.CompletedTask;
    }

    private static LogLevel LevelOf(PipelineEventKind kind) => kind switch
    {
        PipelineEventKind.TaskFailed => LogLevel.Error,
        PipelineEventKind.RunFailed => LogLevel.Error,
        PipelineEventKind.DeadlineMissed => LogLevel.Error,
        PipelineEventKind.TaskRetry => LogLevel.Warning,
        _ => LogLevel.Information,
    };

    [LoggerMessage(Message = "{Kind} {Pipeline} {Run} {Task}: {State}. {Message}")]
    private static partial void Log(ILogger logger, LogLevel level, PipelineEventKind kind, string pipeline, string run, string task, string state, string message);
}
