using NodaTime;

namespace Pipelines.Generators.Tests.TestPipelines;

public sealed record VendorFile(string Vendor, LocalDate Date, int Rows);

public sealed record Fundamentals(string Vendor, int Rows, decimal Total);

public interface IVendorClient
{
    VendorFile Fetch(LocalDate date);
}

public sealed class FakeVendor : IVendorClient
{
    public VendorFile Fetch(LocalDate date) => new("acme", date, 42);
}

/// <summary>What the tasks did, in order, so tests can see the dispatch really called them.</summary>
public sealed class CallLog
{
    private readonly List<string> _calls = new();

    public IReadOnlyList<string> Calls => _calls;

    public void Add(string call)
    {
        lock (_calls) _calls.Add(call);
    }
}

/// <summary>
/// A real pipeline compiled by the generator as part of this test project (which treats warnings as errors).
/// Tasks are declared out of running order on purpose.
/// </summary>
[Pipeline("test_dataload",
    Schedule = "0 4 * * 1-5",
    TimeZone = "America/New_York",
    Calendar = "XNYS",
    StartDate = "2024-01-02",
    MaxActiveRuns = 2,
    Description = "Ingest the vendor's file, build fundamentals, queue risk jobs.",
    Tags = new[] { "finance", "nightly" })]
public sealed partial class DataLoadPipeline(IVendorClient vendor, CallLog log)
{
    [PipelineTask(Trigger = TriggerRule.AllDone, Queue = "risk"), DependsOn(nameof(QueueRiskModels), nameof(PublishSummary))]
    public void Notify(RunContext run) => log.Add($"Notify {run.RunId}");

    [PipelineTask(Retries = 3, RetryDelay = "00:01:00", RetryExponentialBackoff = true, MaxRetryDelay = "00:05:00", Timeout = "00:10:00", PriorityWeight = 5)]
    public async Task<VendorFile> Ingest(RunContext run, CancellationToken cancellationToken)
    {
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        log.Add($"Ingest {run.LogicalDate:yyyy-MM-dd} try {run.TryNumber}");
        return vendor.Fetch(run.LogicalDate);
    }

    [PipelineTask, Sensor(PokeInterval = "00:00:30", Timeout = "01:00:00", SoftFail = true)]
    public static ValueTask<bool> VendorFileArrived() => ValueTask.FromResult(true);

    [PipelineTask, DependsOn(nameof(VendorFileArrived))]
    public Fundamentals BuildFundamentals([FromTask(nameof(Ingest))] VendorFile file)
    {
        log.Add($"BuildFundamentals {file.Vendor} {file.Rows}");
        return new Fundamentals(file.Vendor, file.Rows, file.Rows * 1.5m);
    }

    [PipelineTask]
    public static Task<string> PublishSummary([FromTask(nameof(BuildFundamentals))] Fundamentals fundamentals) =>
        Task.FromResult($"{fundamentals.Vendor}: {fundamentals.Total}");

    [PipelineTask, Condition, DependsOn(nameof(BuildFundamentals))]
    public static bool IsFullSession(RunContext run) => run.LogicalDate.DayOfWeek != IsoDayOfWeek.Saturday;

    [PipelineTask, Branch(nameof(QueueRiskModels), nameof(SkipRisk)), DependsOn(nameof(IsFullSession))]
    public IEnumerable<string> ChooseRisk([FromTask(nameof(BuildFundamentals))] Fundamentals fundamentals)
    {
        log.Add($"ChooseRisk {fundamentals.Total}");
        return fundamentals.Rows > 0 ? new[] { nameof(QueueRiskModels) } : new[] { nameof(SkipRisk) };
    }

    [PipelineTask(Queue = "risk"), DependsOn(nameof(ChooseRisk))]
    public ValueTask QueueRiskModels()
    {
        log.Add("QueueRiskModels");
        return ValueTask.CompletedTask;
    }

    [PipelineTask, DependsOn(nameof(ChooseRisk))]
    public static void SkipRisk()
    {
    }
}

/// <summary>A static pipeline: no instance, no DI.</summary>
[Pipeline("test_static", Schedule = "@daily")]
public static partial class StaticPipeline
{
    [PipelineTask]
    public static int Count() => 3;

    [PipelineTask]
    public static string Describe([FromTask(nameof(Count))] long count) => $"count={count}";
}
