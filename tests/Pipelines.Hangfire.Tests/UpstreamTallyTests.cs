using global::Hangfire;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// A try's end judges its downstream by the run's stored counts (UpstreamTally), and trusts them only when they were
/// counted for the pipeline's current edges. The run's tasks go to a queue no server here reads, and the test ends the
/// tries itself through the coordinator, so each step is one the test chose.
/// </summary>
public sealed class UpstreamTallyTests : IAsyncLifetime
{
    private PipelineHost _host = null!;

    public async Task InitializeAsync() => _host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Linear.Definition });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private RunCoordinator Coordinator => _host.Services.GetRequiredService<RunCoordinator>();

    private void Plant(string runId, string hashKey, string field, string value)
    {
        using var connection = _host.Storage.GetConnection();
        using var transaction = connection.CreateWriteTransaction();
        transaction.SetRangeInHash(hashKey, new Dictionary<string, string> { [field] = value });
        transaction.Commit();
    }

    private TaskInstance EndExtract(string runId)
    {
        var running = Coordinator.BeginTry(Linear.Definition, runId, "Extract", 1, null, "test");
        Assert.NotNull(running);
        return Coordinator.CompleteTry(Linear.Definition, runId, "Extract", 1, null, running.Execution, TryResult.Succeeded(TaskOutcome.Completed(null)))!;
    }

    [Fact]
    public void A_trys_end_reads_the_stored_counts_so_a_planted_failure_decides_the_downstream()
    {
        var runId = _host.Operations.Trigger("linear", new LocalDate(2024, 8, 1), queue: "held");
        using (var connection = _host.Storage.GetConnection())
            Assert.StartsWith("0@", connection.GetAllEntriesFromHash($"pipelines:run:linear:{runId}")!["finishedTasks"], StringComparison.Ordinal);

        // Transform's count says its one upstream task failed, which is false: Extract is queued. A step that read the
        // states would queue Transform when Extract succeeds; one that reads the counts sees a failure and a success.
        Plant(runId, $"pipelines:run:linear:{runId}:tally", "Transform", "0,1,0,0");
        Assert.Equal(TaskState.Success, EndExtract(runId).State);
        var run = _host.Operations.GetRun("linear", runId)!;
        Assert.Equal(TaskState.UpstreamFailed, run["Transform"].State);
    }

    [Fact]
    public void Counts_stored_for_other_edges_are_not_trusted_and_the_run_is_counted_again()
    {
        var runId = _host.Operations.Trigger("linear", new LocalDate(2024, 8, 2), queue: "held");
        // As after a deploy that changed the pipeline's graph: the counts were kept for other edges.
        Plant(runId, $"pipelines:run:linear:{runId}:tally", "Transform", "0,1,0,0");
        Plant(runId, $"pipelines:run:linear:{runId}", "finishedTasks", "0@0123456789abcdef");

        Assert.Equal(TaskState.Success, EndExtract(runId).State);
        var run = _host.Operations.GetRun("linear", runId)!;
        Assert.Equal(TaskState.Queued, run["Transform"].State);
        using var connection = _host.Storage.GetConnection();
        var finished = connection.GetAllEntriesFromHash($"pipelines:run:linear:{runId}")!["finishedTasks"];
        Assert.StartsWith("1@", finished, StringComparison.Ordinal);
        Assert.NotEqual("1@0123456789abcdef", finished);
        Assert.Equal("1,0,0,0", connection.GetAllEntriesFromHash($"pipelines:run:linear:{runId}:tally")!["Transform"]);
    }

    [Fact]
    public void A_run_stored_without_counts_is_counted_by_its_first_trys_end()
    {
        var runId = _host.Operations.Trigger("linear", new LocalDate(2024, 8, 3), queue: "held");
        // As a run written before the counts existed.
        Plant(runId, $"pipelines:run:linear:{runId}", "finishedTasks", "");

        Assert.Equal(TaskState.Success, EndExtract(runId).State);
        Assert.Equal(TaskState.Queued, _host.Operations.GetRun("linear", runId)!["Transform"].State);
        using var connection = _host.Storage.GetConnection();
        Assert.StartsWith("1@", connection.GetAllEntriesFromHash($"pipelines:run:linear:{runId}")!["finishedTasks"], StringComparison.Ordinal);
    }
}
