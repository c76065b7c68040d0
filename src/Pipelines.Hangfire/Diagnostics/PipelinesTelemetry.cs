using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using NodaTime;

namespace Pipelines.Hangfire;

/// <summary>
/// The runtime's traces and metrics, through System.Diagnostics only (no package): an <see cref="ActivitySource"/> and a
/// <see cref="Meter"/>, both named <c>Pipelines</c>. Names follow OpenTelemetry's CI/CD semantic conventions where they
/// exist (<c>cicd.pipeline.*</c>) and are ours (<c>pipelines.*</c>) where they do not; the README lists them all.
/// </summary>
/// <example><code>
/// services.AddOpenTelemetry()
///     .WithTracing(t => t.AddSource(PipelinesTelemetry.Name))
///     .WithMetrics(m => m.AddMeter(PipelinesTelemetry.Name));
/// </code></example>
public static class PipelinesTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "Pipelines";

    internal static readonly ActivitySource Source = new(Name);
    internal static readonly Meter Meter = new(Name);

    // Attribute names (OpenTelemetry CI/CD conventions first).
    internal const string PipelineName = "cicd.pipeline.name";
    internal const string RunId = "cicd.pipeline.run.id";
    internal const string PipelineResult = "cicd.pipeline.result";
    internal const string RunState = "cicd.pipeline.run.state";
    internal const string TaskName = "cicd.pipeline.task.name";
    internal const string TaskRunId = "cicd.pipeline.task.run.id";
    internal const string TaskResult = "cicd.pipeline.task.run.result";
    internal const string ErrorType = "error.type";
    internal const string RunKind = "pipelines.run.kind";
    internal const string LogicalDate = "pipelines.run.logical_date";
    internal const string Try = "pipelines.task.try";
    internal const string TaskState = "pipelines.task.state";
    internal const string LockKind = "pipelines.lock.kind";
    internal const string WorkerId = "cicd.worker.id";

    internal static readonly Histogram<double> RunDuration = Meter.CreateHistogram<double>(
        "cicd.pipeline.run.duration", "s", "Duration of a run, from its start to its end, by pipeline and result.");
    internal static readonly Histogram<double> ScheduleDelay = Meter.CreateHistogram<double>(
        "pipelines.run.schedule_delay", "s", "From a scheduled run's scheduled time to the start of its first task.");
    internal static readonly Histogram<double> TaskDuration = Meter.CreateHistogram<double>(
        "pipelines.task.duration", "s", "Duration of a task's try, by result.");
    internal static readonly Histogram<double> QueuedDuration = Meter.CreateHistogram<double>(
        "pipelines.task.queued_duration", "s", "From a try's job becoming due to the try starting, by the try's result.");
    internal static readonly Counter<long> Tries = Meter.CreateCounter<long>(
        "pipelines.task.tries", "{try}", "Tries of tasks that ended, by result.");
    internal static readonly Counter<long> TaskFinished = Meter.CreateCounter<long>(
        "pipelines.task.finished", "{task}", "Task instances that reached a final state, by state.");
    internal static readonly Counter<long> TaskFailures = Meter.CreateCounter<long>(
        "pipelines.task.failures", "{task}", "Task instances that failed (their retries exhausted).");
    internal static readonly Counter<long> DeadlineMisses = Meter.CreateCounter<long>(
        "pipelines.deadline.misses", "{deadline}", "Run and task deadlines missed (a run or task not finished by its deadline, or a run never created), by pipeline and task.");
    internal static readonly Histogram<double> StepDuration = Meter.CreateHistogram<double>(
        "pipelines.coordinator.step.duration", "s", "One coordination step under a run's lock, the wait for the lock included.");
    internal static readonly Histogram<double> LockWait = Meter.CreateHistogram<double>(
        "pipelines.lock.wait", "s", "Time spent waiting for a storage lock, by kind (run, pipeline, schedule).");
    internal static readonly Counter<long> LockTimeouts = Meter.CreateCounter<long>(
        "pipelines.lock.timeouts", "{timeout}", "Waits for a storage lock that ran out of time (a holder kept it longer than the lock timeout), by kind (run, pipeline, schedule) and, for a run's or a pipeline's lock, pipeline.");
    internal static readonly Histogram<double> LockHeld = Meter.CreateHistogram<double>(
        "pipelines.lock.held", "s", "Time a storage lock was held, from its acquisition to its release, by kind (run, pipeline, schedule).");

    private static readonly object s_gate = new();
    private static readonly List<Func<IEnumerable<Measurement<long>>>> s_activeRuns = new();

    static PipelinesTelemetry()
    {
        Meter.CreateObservableUpDownCounter("cicd.pipeline.run.active", ObserveActiveRuns, "{run}",
            "Runs that are executing or pending (waiting for a slot under MaxActiveRuns), as the storage counts them.");
    }

    /// <summary>Adds a storage's active-run counts to <c>cicd.pipeline.run.active</c> until the result is disposed.</summary>
    internal static IDisposable AddActiveRunSource(Func<IEnumerable<Measurement<long>>> observe)
    {
        lock (s_gate) s_activeRuns.Add(observe);
        return new Removal(observe);
    }

    private static IEnumerable<Measurement<long>> ObserveActiveRuns()
    {
        Func<IEnumerable<Measurement<long>>>[] sources;
        lock (s_gate) sources = s_activeRuns.ToArray();
        var all = new List<Measurement<long>>();
        foreach (var source in sources)
        {
            try
            {
                all.AddRange(source());
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A storage that cannot be read now reports nothing; the health check says why.
            }
        }
        return all;
    }

    private sealed class Removal(Func<IEnumerable<Measurement<long>>> observe) : IDisposable
    {
        public void Dispose()
        {
            lock (s_gate) s_activeRuns.Remove(observe);
        }
    }

    /// <summary>The result of a run or task in the conventions' words.</summary>
    internal static string Result(RunState state) => state == Hangfire.RunState.Success ? "success" : "failure";

    /// <summary>
    /// Starts the span of a new run, a child of the caller's span when there is one (an HTTP request, a command), and
    /// returns it with the W3C traceparent to keep with the run; tries on any server continue that trace.
    /// </summary>
    internal static Activity? StartRun(string pipelineId, string runId, RunKind kind, LocalDate logicalDate)
    {
        var activity = Source.StartActivity("RUN " + pipelineId, ActivityKind.Server);
        if (activity is null) return null;
        activity.SetTag(PipelineName, pipelineId);
        activity.SetTag(RunId, runId);
        activity.SetTag(RunKind, kind.ToString().ToLowerInvariant());
        activity.SetTag(LogicalDate, PipelineStore.Format(logicalDate));
        activity.SetTag("cicd.pipeline.action.name", "RUN");
        return activity;
    }

    /// <summary>Starts the span of one try, a child of its run's span (from the run's stored traceparent).</summary>
    internal static Activity? StartTry(string pipelineId, string runId, string taskId, int tryNumber, string? serverId, string? traceParent)
    {
        ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent);
        var activity = Source.StartActivity(ActivityKind.Consumer, parent, name: $"RUN {pipelineId}.{taskId}");
        if (activity is null) return null;
        activity.SetTag(PipelineName, pipelineId);
        activity.SetTag(RunId, runId);
        activity.SetTag(TaskName, taskId);
        activity.SetTag(TaskRunId, $"{taskId}.{tryNumber}");
        activity.SetTag(Try, tryNumber);
        activity.SetTag(WorkerId, serverId);
        return activity;
    }

    /// <summary>Ends a try's span and records its duration, its time queued and its result.</summary>
    internal static void TryEnded(Activity? activity, string pipelineId, string taskId, TryResult result, TaskInstance? final, TimeSpan ran, TimeSpan? queued)
    {
        var outcome = result.Error is null ? "success" : "failure";
        var tags = new TagList { { PipelineName, pipelineId }, { TaskName, taskId }, { TaskResult, outcome } };
        TaskDuration.Record(ran.TotalSeconds, tags);
        if (queued is { } q) QueuedDuration.Record(Math.Max(0, q.TotalSeconds), tags);
        Tries.Add(1, tags);
        if (activity is null) return;
        activity.SetTag(TaskResult, outcome);
        if (final is not null) activity.SetTag(TaskState, final.State.Name());
        if (result.Error is { } error)
        {
            activity.SetTag(ErrorType, result.Exception?.GetType().FullName ?? "timeout");
            if (result.Exception is { } ex) activity.AddException(ex);
            activity.SetStatus(ActivityStatusCode.Error, error);
        }
        activity.Stop();
    }

    /// <summary>After a coordination step committed: the step's time, then what it changed (<see cref="Changed"/>).</summary>
    internal static void Stepped(RunWork work, long startedTimestamp)
    {
        StepDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, new KeyValuePair<string, object?>(PipelineName, work.Pipeline.Id));
        Changed(work);
    }

    /// <summary>
    /// After a change to a run committed, in a step or beside the run's lock (<see cref="UnlockedEnd"/>): the tasks it
    /// brought to a final state, and, when it finished the run, the run's duration and result (as a span covering the run,
    /// a child of the run's span).
    /// </summary>
    internal static void Changed(RunWork work)
    {
        var pipelineId = work.Pipeline.Id;
        var changed = work.ChangedIndexes;
        for (var i = 0; i < changed.Count; i++)
        {
            var task = work.Get(changed[i]);
            if (!task.State.IsTerminal()) continue;
            var tags = new TagList { { PipelineName, pipelineId }, { TaskName, task.TaskId }, { TaskState, task.State.Name() } };
            TaskFinished.Add(1, tags);
            if (task.State == Hangfire.TaskState.Failed) TaskFailures.Add(1, tags);
        }
        if (!work.RunStateChanged || !work.RunState.IsFinished()) return;

        var result = Result(work.RunState);
        var from = work.Facts.StartedAt ?? work.Now;
        RunDuration.Record((work.Now - from).TotalSeconds, new TagList { { PipelineName, pipelineId }, { PipelineResult, result } });
        // Only a run whose creation was traced has a span to finish under.
        if (!Source.HasListeners() || !ActivityContext.TryParse(work.Facts.TraceParent, null, isRemote: true, out var parent)) return;
        using var span = Source.StartActivity(ActivityKind.Internal, parent, name: "FINISH " + pipelineId, startTime: from.ToDateTimeOffset());
        if (span is null) return;
        span.SetTag(PipelineName, pipelineId);
        span.SetTag(RunId, work.RunId);
        span.SetTag(PipelineResult, result);
        if (result == "failure")
        {
            span.SetTag(ErrorType, "task_failed");
            span.SetStatus(ActivityStatusCode.Error, "a leaf task failed or is upstream_failed");
        }
    }

    /// <summary>Records a lock wait; the kind comes from the lock's resource name.</summary>
    internal static void LockWaited(string resource, TimeSpan waited) =>
        LockWait.Record(waited.TotalSeconds, new KeyValuePair<string, object?>(LockKind, KindOf(resource)));

    /// <summary>Records a wait for a lock that timed out; the kind comes from the lock's resource name.</summary>
    internal static void LockTimedOut(string resource)
    {
        var kind = new KeyValuePair<string, object?>(LockKind, KindOf(resource));
        if (PipelineOf(resource) is { } pipeline) LockTimeouts.Add(1, kind, new KeyValuePair<string, object?>(PipelineName, pipeline));
        else LockTimeouts.Add(1, kind);
    }

    /// <summary>The pipeline a run's or a pipeline's lock belongs to (pipeline ids have no colon), or null for another lock.</summary>
    private static string? PipelineOf(string resource)
    {
        foreach (var marker in new[] { ":lock:run:", ":lock:pipeline:" })
        {
            var at = resource.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0) continue;
            var rest = resource.Substring(at + marker.Length);
            var colon = rest.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? rest : rest.Substring(0, colon);
        }
        return null;
    }

    /// <summary>Records how long a lock was held; the kind comes from the lock's resource name.</summary>
    internal static void LockReleased(string resource, TimeSpan held) =>
        LockHeld.Record(held.TotalSeconds, new KeyValuePair<string, object?>(LockKind, KindOf(resource)));

    private static string KindOf(string resource) =>
        resource.EndsWith(":schedule", StringComparison.Ordinal) ? "schedule"
            : resource.Contains(":lock:run:", StringComparison.Ordinal) ? "run"
            : resource.Contains(":lock:pipeline:", StringComparison.Ordinal) ? "pipeline"
            : resource == SlotBook.Lock ? "slots" : "other";
}
