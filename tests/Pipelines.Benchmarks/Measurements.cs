using System.Diagnostics;
using global::Hangfire;
using global::Hangfire.Common;
using global::Hangfire.States;
using global::Hangfire.Storage;
using NodaTime;
using Pipelines.Benchmarks.Infrastructure;
using Pipelines.Benchmarks.Workloads;
using Pipelines.Hangfire;

namespace Pipelines.Benchmarks;

/// <summary>
/// A chain measurement: the hops between consecutive tasks, two ways.
/// <para><b>Body hops</b> (the headline, identical on both sides): the time from task i's body to task i+1's body, from
/// <see cref="Probe"/>'s Stopwatch timestamps. It includes everything between two pieces of user code: completing
/// the parent, deciding and enqueuing the child, Hangfire's fetch, and starting the child.</para>
/// <para><b>Record hops</b> (each side's own bookkeeping, a cross-check): for pipelines <c>TaskInstance.End</c> of task i to
/// <c>Start</c> of task i+1; for raw Hangfire the parent's Succeeded state to the child's Processing state.</para>
/// </summary>
public sealed record ChainResult(double[] BodyHopsMs, double[] RecordHopsMs, double WallMs, bool Completed, int Done, int Total, RunCosts? Costs = null);

/// <summary>A fan-out measurement: wall time from the trigger (or the first Enqueue) until every task has succeeded.</summary>
/// <remarks>For the pipeline also: Start's end to the first worker task's start (the fan-out, which creates 1,000 jobs
/// under the run lock) and the last worker task's end to Join's start (the fan-in hop).
/// <para>Coordination is what the runtime's own telemetry saw of the run (steps, run lock held and waited), for saying
/// where the time of one fan-out went against another's.</para></remarks>
public sealed record FanResult(double WallMs, bool Completed, int Done, int Total, RunCosts? Costs = null, double? FanOutMs = null, double? FanInMs = null,
    CoordinationFigures? Coordination = null)
{
    public double TasksPerSecond => Done / (WallMs / 1000.0);

    /// <summary>
    /// The process's CPU time (every thread, user and kernel) from the fan-out's first job or trigger until it was seen
    /// finished, over its tasks, in microseconds; null where not measured. Both sides share the process, one at a time.
    /// </summary>
    public double? CpuUsPerTask { get; init; }

    /// <summary>Bytes the process allocated over the same span, per task, in kilobytes (<see cref="CpuClock"/>).</summary>
    public double? AllocatedKbPerTask { get; init; }

    /// <summary>Time the garbage collector paused the process over the same span, in milliseconds (<see cref="CpuClock"/>).</summary>
    public double? GcPauseMs { get; init; }

    /// <summary>Garbage collections over the same span, of any generation (<see cref="CpuClock"/>).</summary>
    public double? Collections { get; init; }

    /// <summary>Of <see cref="Collections"/>, those of gen1 or gen2 (they also trace what survived a gen0 collection, and cost more).</summary>
    public double? OlderCollections { get; init; }

    /// <summary>Bytes the collections over the same span found alive in gen0, per task, in kilobytes (<see cref="GcPromotions"/>).</summary>
    public double? SurvivedGen0KbPerTask { get; init; }

    /// <summary>Trigger to Start's start (ms): creating the run and its first job, and a worker fetching it.</summary>
    public double? HeadMs { get; init; }

    /// <summary>Start's start to its end (ms): its body, and the step that ends it, which queues the first workers.</summary>
    public double? StartMs { get; init; }

    /// <summary>Join's start to the run's end (ms).</summary>
    public double? TailMs { get; init; }
}

/// <summary>
/// The process's CPU time over a measurement (<see cref="FanResult.CpuUsPerTask"/>). On a machine whose cores the
/// measurement keeps busy, throughput follows the CPU a task costs, and this figure swings far less with the machine's
/// load than tasks per second do, so a change of a few percent shows in it where the throughput's noise hides it.
/// </summary>
/// <remarks>
/// It also reads what the process allocated and how long the garbage collector paused it: every pause stops every
/// worker, and the allocations of a try's start and end in a 1,000-task pipeline once cost more pause time than raw
/// Hangfire's whole job (an array over every task for each step).
/// </remarks>
public readonly struct CpuClock
{
    private readonly TimeSpan _started;
    private readonly long _allocated;
    private readonly TimeSpan _paused;
    private readonly int _collections;
    private readonly int _olderCollections;
    private readonly long _promoted;

    private CpuClock(TimeSpan started, long allocated, TimeSpan paused)
    {
        _started = started;
        _allocated = allocated;
        _paused = paused;
        _collections = GC.CollectionCount(0);
        _olderCollections = GC.CollectionCount(1);
        _promoted = GcPromotions.Total;
    }

    public static CpuClock Start()
    {
        // The events of the collections so far (the settled heap's) reach the listener first, so none is counted here.
        GcPromotions.Sync();
        return new(Used(), GC.GetTotalAllocatedBytes(), GC.GetTotalPauseDuration());
    }

    /// <summary>Microseconds of CPU per task since <see cref="Start"/>.</summary>
    public double PerTask(int tasks) => tasks > 0 ? (Used() - _started).TotalMilliseconds * 1000 / tasks : double.NaN;

    /// <summary>The fan-out's result with its CPU, allocations and GC pauses per <paramref name="tasks"/> since <see cref="Start"/>.</summary>
    public FanResult Stamp(FanResult result, int tasks)
    {
        var stamped = result with
        {
            CpuUsPerTask = PerTask(tasks),
            AllocatedKbPerTask = tasks > 0 ? (GC.GetTotalAllocatedBytes() - _allocated) / 1024.0 / tasks : double.NaN,
            GcPauseMs = (GC.GetTotalPauseDuration() - _paused).TotalMilliseconds,
            // A collection of a generation counts for every younger one too.
            Collections = GC.CollectionCount(0) - _collections,
            OlderCollections = GC.CollectionCount(1) - _olderCollections,
        };
        // The last collections' events reach the listener a little later, on the runtime's dispatching thread.
        GcPromotions.Sync();
        return stamped with { SurvivedGen0KbPerTask = tasks > 0 ? (GcPromotions.Total - _promoted) / 1024.0 / tasks : double.NaN };
    }

    private static TimeSpan Used()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }
}

/// <summary>
/// Where a pipeline's time goes, measured on the finished run: one read of all its task instances (what a page showing
/// the run does; a step reads only the records it changes or judges), the storage fetch alone (the same hash, without
/// parsing the JSON of each task instance), and one uncontended acquire and release of the run lock (what each locked
/// step takes; a try's start, and on PostgreSQL most ends, go beside it).
/// </summary>
public sealed record RunCosts(int Tasks, double ReadTasksMs, double FetchMs, double LockMs);

/// <summary>The measurements, each on a host of its own over a fresh storage.</summary>
public static class Measurements
{
    public const int ChainLength = 200;
    public const int FanWidth = 1000;
    private static readonly LocalDate s_date = new(2024, 3, 8);
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(20);

    /// <summary>Runs a small pipeline and a short raw chain, so the measured runs do not pay for JIT or cold pools.</summary>
    public static async Task WarmUpAsync(BenchHost host)
    {
        var runId = host.Operations.Trigger(Warmup.Definition.Id, s_date);
        await WaitForRunAsync(host, Warmup.Definition.Id, runId, TimeSpan.FromSeconds(60));

        var raw = "raw-warmup-" + Guid.NewGuid().ToString("N")[..8];
        var parent = host.Client.Enqueue(() => RawJobs.Step(raw, "A"));
        parent = host.Client.ContinueJobWith(parent, () => RawJobs.Step(raw, "B"));
        var last = host.Client.ContinueJobWith(parent, () => RawJobs.Step(raw, "C"));
        var deadline = Stopwatch.StartNew();
        while (Probe.Count(raw) < 3 || State(host, last) != SucceededState.StateName)
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(60)) throw new TimeoutException("The raw warm-up chain did not finish in 60 s.");
            await Task.Delay(s_poll);
        }
    }

    /// <summary>
    /// A full, compacting, blocking collection, and another after the finalizers it found: each hop and fan-out
    /// measurement starts on a settled heap, so it pays for its own garbage only. Each measurement gets a fresh host, and
    /// the previous host's storage (a side's 1,000 finished jobs and, for ours, its run's records), collected whenever the
    /// budget next ran out, fell into whichever side came next: a gen1 or gen2 collection of 5-10 ms in a 0.1 s
    /// in-memory fan-out.
    /// </summary>
    public static void SettleHeap()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    // ---- hop latency ------------------------------------------------------------------------------------------------

    public static async Task<ChainResult> PipelineChainAsync(BenchHost host, TimeSpan timeout)
    {
        var pipeline = Chain200.Definition;
        var started = SystemClock.Instance.GetCurrentInstant();
        var runId = host.Operations.Trigger(pipeline.Id, s_date);
        var completed = await WaitForRunAsync(host, pipeline.Id, runId, timeout);
        var run = host.Operations.GetRun(pipeline.Id, runId)!;

        var ids = run.Tasks.Select(t => t.TaskId).ToArray(); // topological order: T000 .. T199
        var body = BodyHops(runId, ids);
        var record = new List<double>();
        for (var i = 1; i < run.Tasks.Length; i++)
        {
            if (run.Tasks[i - 1].End is { } end && run.Tasks[i].Start is { } start) record.Add((start - end).TotalMilliseconds);
        }
        var finished = run.EndedAt ?? SystemClock.Instance.GetCurrentInstant();
        var done = run.Tasks.Count(t => t.State == TaskState.Success);
        return new ChainResult(body, record.ToArray(), (finished - started).TotalMilliseconds, completed, done, ChainLength, completed ? Costs(host, pipeline, runId) : null);
    }

    public static async Task<ChainResult> RawChainAsync(BenchHost host, TimeSpan timeout)
    {
        var raw = "raw-chain-" + Guid.NewGuid().ToString("N")[..8];
        var taskIds = Enumerable.Range(0, ChainLength).Select(RawJobs.TaskId).ToArray();
        var jobIds = new string[ChainLength];

        // The whole chain exists before the first job may run: the head waits in Scheduled (an hour away) until it is
        // moved to Enqueued, which is when the clock starts, as Trigger starts the pipeline's clock.
        var head = taskIds[0];
        jobIds[0] = host.Client.Create(Job.FromExpression(() => RawJobs.Step(raw, head)), new ScheduledState(TimeSpan.FromHours(1)));
        for (var i = 1; i < ChainLength; i++)
        {
            var taskId = taskIds[i];
            jobIds[i] = host.Client.ContinueJobWith(jobIds[i - 1], () => RawJobs.Step(raw, taskId));
        }

        var started = DateTime.UtcNow;
        host.Client.ChangeState(jobIds[0], new EnqueuedState(), ScheduledState.StateName);
        var clock = Stopwatch.StartNew();
        var completed = true;
        while (Probe.Count(raw) < ChainLength || State(host, jobIds[^1]) != SucceededState.StateName)
        {
            if (clock.Elapsed > timeout) { completed = false; break; }
            await Task.Delay(s_poll);
        }

        var body = BodyHops(raw, taskIds);
        var done = Probe.Count(raw);
        var elapsed = clock.Elapsed;
        var monitoring = host.Storage.GetMonitoringApi();
        var succeeded = new DateTime?[ChainLength];
        var processing = new DateTime?[ChainLength];
        for (var i = 0; i < ChainLength; i++)
        {
            var history = monitoring.JobDetails(jobIds[i])?.History ?? new List<global::Hangfire.Storage.Monitoring.StateHistoryDto>();
            // History is newest first: take the latest entry of each state.
            succeeded[i] = history.FirstOrDefault(h => h.StateName == SucceededState.StateName)?.CreatedAt;
            processing[i] = history.FirstOrDefault(h => h.StateName == ProcessingState.StateName)?.CreatedAt;
        }
        var record = new List<double>();
        for (var i = 1; i < ChainLength; i++)
        {
            if (succeeded[i - 1] is { } end && processing[i] is { } start) record.Add((start - end).TotalMilliseconds);
        }
        var wall = completed ? (succeeded.Max(s => s!.Value) - started).TotalMilliseconds : elapsed.TotalMilliseconds;
        return new ChainResult(body, record.ToArray(), wall, completed, done, ChainLength);
    }

    /// <summary>
    /// The raw chain built as the runtime builds its own: each job, once its body has run, creates and enqueues the next
    /// (<see cref="RawJobs.StepThenEnqueue"/>), where <see cref="RawChainAsync"/>'s continuations all exist before the first
    /// runs. No goal: it says how much of the hop against continuations is creating each job when its upstream ends.
    /// </summary>
    public static async Task<ChainResult> RawEnqueueChainAsync(BenchHost host, TimeSpan timeout)
    {
        var raw = "raw-enqueue-" + Guid.NewGuid().ToString("N")[..8];
        var taskIds = Enumerable.Range(0, ChainLength).Select(RawJobs.TaskId).ToArray();
        RawJobs.NextClient = host.Client;
        try
        {
            var clock = Stopwatch.StartNew();
            host.Client.Create(RawJobs.FirstOfChain(raw, ChainLength), new EnqueuedState());
            var completed = true;
            while (Probe.Count(raw) < ChainLength)
            {
                if (clock.Elapsed > timeout) { completed = false; break; }
                await Task.Delay(s_poll);
            }
            return new ChainResult(BodyHops(raw, taskIds), Array.Empty<double>(), clock.Elapsed.TotalMilliseconds, completed, Probe.Count(raw), ChainLength);
        }
        finally
        {
            // A chain that ran out of time stops at its next job.
            RawJobs.NextClient = null;
        }
    }

    // ---- throughput -------------------------------------------------------------------------------------------------

    public static async Task<FanResult> PipelineFanAsync(BenchHost host, TimeSpan timeout)
    {
        var pipeline = Fan1000.Definition;
        using var telemetry = new CoordinatorTelemetry(pipeline.Id);
        var cpu = CpuClock.Start();
        var started = SystemClock.Instance.GetCurrentInstant();
        var runId = host.Operations.Trigger(pipeline.Id, s_date);
        var completed = await WaitForRunAsync(host, pipeline.Id, runId, timeout);
        var measured = cpu.Stamp(new FanResult(0, completed, 0, 0), pipeline.Tasks.Count());
        var run = host.Operations.GetRun(pipeline.Id, runId)!;
        var workers = run.Tasks.Where(t => t.TaskId.StartsWith('W')).ToList();
        return FanOf(host, pipeline, run, started, completed, workers, telemetry.Take()) with
        {
            CpuUsPerTask = measured.CpuUsPerTask, AllocatedKbPerTask = measured.AllocatedKbPerTask, GcPauseMs = measured.GcPauseMs,
            Collections = measured.Collections, OlderCollections = measured.OlderCollections, SurvivedGen0KbPerTask = measured.SurvivedGen0KbPerTask,
        };
    }

    /// <summary>
    /// The mapped fan-out (<c>bench_mapped_1000</c>), timed exactly as <see cref="PipelineFanAsync"/>: trigger to the
    /// run's end; the 1,000 workers are Work's instances.
    /// </summary>
    public static async Task<FanResult> PipelineMappedAsync(BenchHost host, TimeSpan timeout)
    {
        var pipeline = Mapped1000.Definition;
        using var telemetry = new CoordinatorTelemetry(pipeline.Id);
        var cpu = CpuClock.Start();
        var started = SystemClock.Instance.GetCurrentInstant();
        var runId = host.Operations.Trigger(pipeline.Id, s_date);
        var completed = await WaitForRunAsync(host, pipeline.Id, runId, timeout);
        // Work's 1,000 instances and the other tasks, each once.
        var measured = cpu.Stamp(new FanResult(0, completed, 0, 0), FanWidth + pipeline.Tasks.Count() - 1);
        var run = host.Operations.GetRun(pipeline.Id, runId)!;
        var workers = run.Instances.TryGetValue("Work", out var instances) ? instances.ToList() : new List<TaskInstance>();
        return FanOf(host, pipeline, run, started, completed, workers, telemetry.Take()) with
        {
            CpuUsPerTask = measured.CpuUsPerTask, AllocatedKbPerTask = measured.AllocatedKbPerTask, GcPauseMs = measured.GcPauseMs,
            Collections = measured.Collections, OlderCollections = measured.OlderCollections, SurvivedGen0KbPerTask = measured.SurvivedGen0KbPerTask,
        };
    }

    private static FanResult FanOf(BenchHost host, PipelineDefinition pipeline, PipelineRun run, Instant started, bool completed,
        List<TaskInstance> workers, CoordinationFigures coordination)
    {
        var finished = run.EndedAt ?? SystemClock.Instance.GetCurrentInstant();
        var done = workers.Count(t => t.State == TaskState.Success);
        var head = run["Start"];
        var join = run["Join"];
        var firstStart = workers.Where(t => t.Start is not null).Select(t => t.Start!.Value).DefaultIfEmpty().Min();
        var lastEnd = workers.Where(t => t.End is not null).Select(t => t.End!.Value).DefaultIfEmpty().Max();
        double? fanOut = head.End is { } e && done > 0 ? (firstStart - e).TotalMilliseconds : null;
        double? fanIn = join.Start is { } s ? (s - lastEnd).TotalMilliseconds : null;
        return new FanResult((finished - started).TotalMilliseconds, completed, done, FanWidth,
            completed ? Costs(host, pipeline, run.RunId) : null, fanOut, fanIn, coordination)
        {
            // The run's time outside its workers: raw's fan-out starts at its first Enqueue and has none of it.
            HeadMs = head.Start is { } headStart ? (headStart - started).TotalMilliseconds : null,
            StartMs = head is { Start: { } from, End: { } to } ? (to - from).TotalMilliseconds : null,
            TailMs = join.Start is { } joinStart ? (finished - joinStart).TotalMilliseconds : null,
        };
    }

    public static async Task<FanResult> RawFanAsync(BenchHost host, TimeSpan timeout)
    {
        var raw = "raw-fan-" + Guid.NewGuid().ToString("N")[..8];
        var jobIds = new string[FanWidth];
        var cpu = CpuClock.Start();
        var started = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < FanWidth; i++)
        {
            var taskId = $"W{i:0000}";
            jobIds[i] = host.Client.Enqueue(() => RawJobs.Step(raw, taskId));
        }

        var completed = true;
        while (Probe.Count(raw) < FanWidth)
        {
            if (clock.Elapsed > timeout) { completed = false; break; }
            await Task.Delay(s_poll);
        }
        // Read when every body has run (polled every 20 ms, so the last jobs' Succeeded are in): the reads below that
        // confirm each job's state are the harness's, not the fan-out's.
        var measured = cpu.Stamp(new FanResult(0, completed, 0, 0), FanWidth);
        // Every body has run; now wait until every job is recorded as Succeeded, and take the latest of those moments.
        var last = DateTime.MinValue;
        using (var connection = host.Storage.GetConnection())
        {
            for (var i = 0; i < FanWidth && completed; i++)
            {
                while (true)
                {
                    var state = connection.GetStateData(jobIds[i]);
                    if (state?.Name == SucceededState.StateName)
                    {
                        var at = JobHelper.DeserializeNullableDateTime(state.Data.TryGetValue("SucceededAt", out var text) ? text : null);
                        if (at is { } value && value > last) last = value;
                        break;
                    }
                    if (clock.Elapsed > timeout) { completed = false; break; }
                    await Task.Delay(s_poll);
                }
            }
        }
        var wall = completed ? (last - started).TotalMilliseconds : clock.Elapsed.TotalMilliseconds;
        return new FanResult(wall, completed, Probe.Count(raw), FanWidth)
        {
            CpuUsPerTask = measured.CpuUsPerTask, AllocatedKbPerTask = measured.AllocatedKbPerTask, GcPauseMs = measured.GcPauseMs,
            Collections = measured.Collections, OlderCollections = measured.OlderCollections, SurvivedGen0KbPerTask = measured.SurvivedGen0KbPerTask,
        };
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    private static double[] BodyHops(string runId, IReadOnlyList<string> taskIds)
    {
        var hops = new List<double>(taskIds.Count);
        for (var i = 1; i < taskIds.Count; i++)
        {
            if (Probe.Get(runId, taskIds[i - 1]) is { } parent && Probe.Get(runId, taskIds[i]) is { } child)
                hops.Add(Stopwatch.GetElapsedTime(parent, child).TotalMilliseconds);
        }
        return hops.ToArray();
    }

    private static RunCosts Costs(BenchHost host, PipelineDefinition pipeline, string runId)
    {
        const int Rounds = 20;
        using var connection = host.Storage.GetConnection();
        PipelineStore.ReadTasks(connection, pipeline, runId);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Rounds; i++) PipelineStore.ReadTasks(connection, pipeline, runId);
        var read = clock.Elapsed.TotalMilliseconds / Rounds;
        clock.Restart();
        for (var i = 0; i < Rounds; i++) connection.GetAllEntriesFromHash(PipelineStore.TasksKey(pipeline.Id, runId));
        var fetch = clock.Elapsed.TotalMilliseconds / Rounds;
        clock.Restart();
        for (var i = 0; i < Rounds; i++)
        {
            using (StorageLocks.Acquire(host.Storage, connection, PipelineStore.RunLock(pipeline.Id, runId), TimeSpan.FromSeconds(10))) { }
        }
        // The records fetched, not the pipeline's task count: a mapped run stores its instances beside its 3 tasks.
        var records = connection.GetAllEntriesFromHash(PipelineStore.TasksKey(pipeline.Id, runId))?.Count ?? pipeline.Tasks.Length;
        return new RunCosts(records, read, fetch, clock.Elapsed.TotalMilliseconds / Rounds);
    }

    /// <summary>Polls the run's state field (cheap even for a 1,002-task run) until it has finished.</summary>
    public static async Task<bool> WaitForRunAsync(BenchHost host, string pipelineId, string runId, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var key = PipelineStore.RunKey(pipelineId, runId);
        while (true)
        {
            using (var connection = host.Storage.GetConnection())
            {
                var state = connection is JobStorageConnection storage
                    ? storage.GetValueFromHash(key, "state")
                    : connection.GetAllEntriesFromHash(key) is { } fields && fields.TryGetValue("state", out var value) ? value : null;
                if (state is not null && RunStates.Parse(state).IsFinished()) return true;
            }
            if (clock.Elapsed > timeout) return false;
            await Task.Delay(s_poll);
        }
    }

    private static string? State(BenchHost host, string jobId)
    {
        using var connection = host.Storage.GetConnection();
        return connection.GetJobData(jobId)?.State;
    }
}
