[assembly: Pipelines.Pool("test_vendor_api", Slots = 4, Description = "The vendor allows four connections")]

namespace Pipelines.Generators.Tests.TestPipelines;

/// <summary>
/// Issue 11's controls, compiled by the real generator: a pool, concurrency limits, depends-on-past, weights, deadlines,
/// and a callback of each kind, instance and static, taking the event, the token and services from DI.
/// </summary>
[Pipeline("test_controls", TimeZone = "America/New_York", Calendar = "XNYS", MaxActiveTasks = 3, Deadline = "@session_close+01:00")]
public sealed partial class ControlsPipeline(CallLog log)
{
    [PipelineTask(Pool = "test_vendor_api", PoolSlots = 2, MaxActiveTries = 1, PriorityWeight = 10, WeightRule = PriorityWeightRule.Absolute, Deadline = "06:30")]
    public void Ingest() => log.Add("Ingest");

    [PipelineTask(WaitForDownstream = true), DependsOn(nameof(Ingest))]
    public void Roll() => log.Add("Roll");

    [PipelineTask(DependsOnPast = true), DependsOn(nameof(Roll))]
    public static void Publish() { }

    [OnFailure]
    public Task RunFailed(PipelineEvent failed, CancellationToken cancellationToken)
    {
        log.Add($"failed {failed.RunId} {cancellationToken.CanBeCanceled}");
        return Task.CompletedTask;
    }

    [OnSuccess(nameof(Ingest), nameof(Roll))]
    public static void Succeeded(CallLog calls, PipelineEvent succeeded) => calls.Add($"succeeded {succeeded.TaskId}");

    [OnRetry(nameof(Ingest))]
    public ValueTask Retrying(PipelineEvent retry, IFormatProvider? culture)
    {
        log.Add($"retry {retry.TaskId} {culture is null}");
        return default;
    }

    [OnDeadlineMissed]
    public void Late() => log.Add("late");
}
