using System.Threading;
using System.Threading.Tasks;

namespace Pipelines.Hangfire;

/// <summary>Receives retries, failures, successes, run completions and manual changes. Register any number in DI.</summary>
public interface IPipelineNotifier
{
    /// <summary>Handles one event. Exceptions are logged and never change task or run states.</summary>
    Task NotifyAsync(PipelineEvent pipelineEvent, CancellationToken cancellationToken);
}
