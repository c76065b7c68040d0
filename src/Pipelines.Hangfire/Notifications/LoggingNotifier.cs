using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Pipelines.Hangfire;

/// <summary>Writes every event to the log: failures as errors, retries as warnings, the rest as information.</summary>
public sealed partial class LoggingNotifier(ILogger<LoggingNotifier> logger) : IPipelineNotifier
{
    /// <inheritdoc />
    public Task NotifyAsync(PipelineEvent pipelineEvent, CancellationToken cancellationToken)
    {
        var level = pipelineEvent.Kind switch
        {
            PipelineEventKind.TaskFailed => LogLevel.Error,
            PipelineEventKind.RunFailed => LogLevel.Error,
            PipelineEventKind.DeadlineMissed => LogLevel.Error,
            PipelineEventKind.TaskRetry => LogLevel.Warning,
            _ => LogLevel.Information,
        };
        Log(logger, level, pipelineEvent.Kind, pipelineEvent.PipelineId, pipelineEvent.RunId, pipelineEvent.TaskId ?? "-", pipelineEvent.State, pipelineEvent.Message);
        return Task.CompletedTask;
    }

    [LoggerMessage(Message = "{Kind} {Pipeline} {Run} {Task}: {State}. {Message}")]
    private static partial void Log(ILogger logger, LogLevel level, PipelineEventKind kind, string pipeline, string run, string task, string state, string message);
}
