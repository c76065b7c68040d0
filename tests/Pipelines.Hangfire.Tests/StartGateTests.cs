using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// In memory a run's tries' starts swap beside a gate of their own (<see cref="StartGate"/>), which a step closes when it
/// holds the run's lock, or, for a step beside starts (a try's end), only when it is about to write a task it read waiting.
/// Each test makes the interleaving itself: the change of a step starts a try on another thread while the step holds the
/// run's lock, and the test waits for that start (or sees that it waits).
/// </summary>
public sealed class StartGateTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);

    private static async Task<(PipelineHost Host, RunCoordinator Coordinator, string RunId, string JobId)> QueuedExtractAsync()
    {
        var host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { Linear.Definition },
            configure: o => o.LockTimeout = TimeSpan.FromSeconds(30));
        // The run's jobs go to a queue no server here reads: the test starts the tries itself.
        var runId = host.Operations.Trigger("linear", new LocalDate(2024, 9, 1), queue: "held");
        var extract = host.Operations.GetRun("linear", runId)!["Extract"];
        Assert.Equal(TaskState.Queued, extract.State);
        return (host, host.Services.GetRequiredService<RunCoordinator>(), runId, extract.JobIds[^1]);
    }

    private static Task<TaskInstance?> StartExtract(RunCoordinator coordinator, string runId, string jobId) =>
        Task.Run(() => coordinator.BeginTry(Linear.Definition, runId, "Extract", 1, jobId, "test"));

    [Fact]
    public async Task A_step_beside_starts_that_writes_no_waiting_task_lets_a_start_run_while_it_holds_the_run_lock()
    {
        var (host, coordinator, runId, jobId) = await QueuedExtractAsync();
        await using var _ = host;
        TaskInstance? started = null;
        var calls = 0;
        var work = coordinator.Update(Linear.Definition, runId, work =>
        {
            calls++;
            Assert.Equal(TaskState.Queued, work["Extract"].State);
            // The step holds the run's lock and has read the queued task; the start swaps it meanwhile.
            var start = StartExtract(coordinator, runId, jobId);
            Assert.True(start.Wait(s_wait), "The start waited for a step that writes no task a start may swap.");
            started = start.Result;
            // The step writes another task (undecided, which no start swaps).
            var transform = work["Transform"];
            work.Set(transform with { Reason = "Noted by the test's step." });
            return true;
        }, CascadeScope.None, touches: new[] { "Extract", "Transform" }, besideStarts: true);

        Assert.NotNull(work);
        Assert.Equal(1, calls);
        Assert.Equal(TaskState.Running, started!.State);
        var run = host.Operations.GetRun("linear", runId)!;
        Assert.Equal(TaskState.Running, run["Extract"].State);
        Assert.Equal(started.Execution, run["Extract"].Execution);
        Assert.Equal("Noted by the test's step.", run["Transform"].Reason);
    }

    [Fact]
    public async Task A_step_beside_starts_that_writes_a_task_a_start_swapped_meanwhile_applies_its_change_again_on_the_running_task()
    {
        var (host, coordinator, runId, jobId) = await QueuedExtractAsync();
        await using var _ = host;
        var seen = new List<TaskState>();
        TaskInstance? started = null;
        var work = coordinator.Update(Linear.Definition, runId, work =>
        {
            var extract = work["Extract"];
            seen.Add(extract.State);
            if (seen.Count == 1)
            {
                var start = StartExtract(coordinator, runId, jobId);
                Assert.True(start.Wait(s_wait), "The start waited for the step before the step wrote a waiting task.");
                started = start.Result;
            }
            // As a branch skips a queued task: only a task not running is skipped.
            if (extract.State == TaskState.Running) return false;
            work.Set(extract with { State = TaskState.Skipped, End = work.Now, Reason = "Skipped by the test's step." });
            return true;
        }, CascadeScope.None, touches: new[] { "Extract" }, besideStarts: true);

        // The first pass read the task queued and would have written over the start; the second read it running.
        Assert.Equal(new[] { TaskState.Queued, TaskState.Running }, seen);
        Assert.Null(work);
        Assert.NotNull(started);
        var stored = host.Operations.GetRun("linear", runId)!["Extract"];
        Assert.Equal(TaskState.Running, stored.State);
        Assert.Equal(started!.Execution, stored.Execution);
    }

    [Fact]
    public async Task A_step_that_keeps_starts_out_makes_a_start_wait_until_it_committed_and_the_start_finds_what_it_wrote()
    {
        var (host, coordinator, runId, jobId) = await QueuedExtractAsync();
        await using var _ = host;
        Task<TaskInstance?>? start = null;
        var calls = 0;
        coordinator.Update(Linear.Definition, runId, work =>
        {
            calls++;
            start = StartExtract(coordinator, runId, jobId);
            Assert.False(start.Wait(TimeSpan.FromMilliseconds(500)), "The start ran while a step that keeps starts out held the run's lock.");
            var extract = work["Extract"];
            work.Set(extract with { State = TaskState.Skipped, End = work.Now, Reason = "Skipped by the test's step." });
            return true;
        }, CascadeScope.None, touches: new[] { "Extract" });

        Assert.Equal(1, calls);
        // The start went on once the step committed, found the task skipped, and ran nothing.
        Assert.Null(await start!.WaitAsync(s_wait));
        var stored = host.Operations.GetRun("linear", runId)!["Extract"];
        Assert.Equal(TaskState.Skipped, stored.State);
        Assert.Equal("Skipped by the test's step.", stored.Reason);
    }

    [Fact]
    public void A_step_that_fetches_a_hash_whole_keeps_the_fields_it_read_before_as_it_read_them()
    {
        // The step judged (and will write) a field by the value it read: StartGate asks a written record for that value,
        // even when a start swapped the field before the step fetched the rest.
        var storage = PipelineHost.InMemoryStorage();
        using var dispatcher = (IDisposable)storage;
        using var connection = storage.GetConnection();
        void Set(string field, string value)
        {
            using var transaction = connection.CreateWriteTransaction();
            transaction.SetRangeInHash("gate:tasks", new Dictionary<string, string> { [field] = value });
            transaction.Commit();
        }
        Set("Extract", "queued|{}");
        Set("Transform", "none|{}");

        var tasks = new StoredHash(connection, "gate:tasks");
        Assert.Equal("queued|{}", tasks.Get("Extract"));
        Assert.Null(tasks.Get("Load"));
        Set("Extract", "running|{}");
        Set("Transform", "queued|{}");
        Set("Load", "none|{}");

        var all = tasks.Fetch();
        Assert.Equal("queued|{}", all["Extract"]);
        Assert.Equal("queued|{}", tasks.Get("Extract"));
        Assert.False(all.ContainsKey("Load"));
        Assert.Equal("queued|{}", all["Transform"]);
    }
}
