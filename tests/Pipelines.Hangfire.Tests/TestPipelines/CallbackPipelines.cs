using System.Collections.Concurrent;

namespace Pipelines.Hangfire.Tests.TestPipelines;

/// <summary>What the generated callbacks of <see cref="GeneratedCallbacks"/> heard, in order.</summary>
public sealed class HeardEvents
{
    public ConcurrentQueue<(string Method, PipelineEvent Event)> Heard { get; } = new();
}

/// <summary>Callbacks as users write them: the generator emits their calls, with the event and a DI service.</summary>
[Pipeline("generated_callbacks")]
public sealed partial class GeneratedCallbacks
{
    [PipelineTask(Retries = 1, RetryDelay = "00:00:00.100")]
    public void Fetch() => throw new InvalidOperationException("the vendor is down");

    [PipelineTask(Trigger = TriggerRule.AllDone), DependsOn(nameof(Fetch))]
    public void Tidy() { }

    [PipelineTask, DependsOn(nameof(Fetch))]
    public void Publish() { }

    [OnFailure]
    public static void RunFailed(PipelineEvent failed, HeardEvents heard) => heard.Heard.Enqueue((nameof(RunFailed), failed));

    [OnFailure(nameof(Fetch))]
    public Task FetchFailed(PipelineEvent failed, HeardEvents heard, CancellationToken cancellationToken)
    {
        heard.Heard.Enqueue((nameof(FetchFailed), failed));
        return Task.CompletedTask;
    }

    [OnRetry]
    public static ValueTask Retrying(PipelineEvent retry, HeardEvents heard)
    {
        heard.Heard.Enqueue((nameof(Retrying), retry));
        return ValueTask.CompletedTask;
    }

    [OnSuccess(nameof(Tidy))]
    public static void Tidied(PipelineEvent done, HeardEvents heard) => heard.Heard.Enqueue((nameof(Tidied), done));
}
