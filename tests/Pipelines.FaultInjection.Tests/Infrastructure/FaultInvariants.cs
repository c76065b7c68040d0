using Pipelines.Hangfire;

namespace Pipelines.FaultInjection.Tests.Infrastructure;

/// <summary>
/// What must hold after the faults, from issue 10: every run succeeded, every task's side effect happened at least
/// once, no downstream started before its upstream ended, and no try was executed twice without a fault in between.
/// Each check returns one sentence per violation naming the run, the task, the invariant and the timestamps.
/// </summary>
public static class FaultInvariants
{
    /// <summary>Runs and task instances recorded in storage that did not end in success.</summary>
    /// <remarks>
    /// Each task not in success also shows its last execution from the side-effect file: a task stored as running whose
    /// body ended long ago lost its try's result; one whose process was killed waits for its job to be fetched again.
    /// </remarks>
    public static IEnumerable<string> EveryRunSucceeded(IReadOnlyList<PipelineRun> runs, ILookup<(string Run, string Task), Execution> executions, IReadOnlyList<FaultEvent> faults)
    {
        foreach (var run in runs)
        {
            var all = run.Tasks.Concat(run.Instances.Values.SelectMany(i => i)).ToList();
            if (run.State == RunState.Success && all.All(t => t.State == TaskState.Success)) continue;
            var tasks = all.Where(t => t.State != TaskState.Success)
                .Select(t => $"{t.TaskId}={t.State.Name()} (try {t.TryNumber}, started {Format(t.Start)} on {Server(t.Server, faults)}: {t.Reason}; " +
                    $"last execution: {executions[(run.RunId, t.TaskId)].OrderBy(e => e.Start).LastOrDefault()?.ToString() ?? "none"})");
            yield return $"run {run.RunId} is {run.State.Name()}, not success; tasks not in success: {string.Join("; ", tasks)}";
        }
    }

    /// <summary>A Hangfire server name ("pipelines-cli:host:pid:...") with what the suite did to its process.</summary>
    private static string Server(string? server, IReadOnlyList<FaultEvent> faults)
    {
        if (server is null) return "no server";
        var killed = faults.FirstOrDefault(f => f.Pid is { } pid && server.Contains($":{pid}:", StringComparison.Ordinal));
        var name = server.Length > 32 ? server[..server.LastIndexOf(':')] : server;
        return killed is null ? name : $"{name}, SIGKILLed at {FaultClock.Format(killed.At)}";
    }

    /// <summary>
    /// A mapped task's instance counts, kept by the coordinator beside the instances (and added to by ends beside the run's
    /// lock), equal what the instances' states count: a count a crash left wrong would decide the mapped task, or its
    /// downstream, from numbers that are not the instances'.
    /// </summary>
    public static IEnumerable<string> MappedCountsMatchTheirInstances(PipelineDefinition pipeline, IReadOnlyList<PipelineRun> runs, Func<string, IReadOnlyDictionary<string, string>> countsOf)
    {
        foreach (var run in runs)
        {
            var counts = countsOf(run.RunId);
            foreach (var task in pipeline.Tasks.Where(t => t.MapOver is not null))
            {
                var instances = run.Instances.TryGetValue(task.Id, out var all) ? all.Take(run[task.Id].MapLength ?? 0).Select(i => i.State).ToList() : [];
                var expected = InstanceCounts.Of(instances).Format();
                var stored = counts.GetValueOrDefault(UpstreamTally.InstancesField(task.Id));
                if (stored != expected)
                    yield return $"run {run.RunId}: {task.Id}'s stored instance counts are {stored ?? "missing"}, its {instances.Count} instances' states count {expected} (success,failed,upstream_failed,skipped,live)";
            }
        }
    }

    /// <summary>
    /// What a task ran as in a run: the task itself, or a mapped task's instances (<c>Ship[0]</c> to <c>Ship[5]</c>) as
    /// the run expanded it (none before it expanded).
    /// </summary>
    public static IReadOnlyList<string> Units(TaskDefinition task, PipelineRun run) =>
        task.MapOver is null ? [task.Id] : Enumerable.Range(0, run[task.Id].MapLength ?? 0).Select(i => $"{task.Id}[{i}]").ToList();

    /// <summary>Tasks (and mapped instances) without a single execution that ran to its end, and mapped tasks that never expanded.</summary>
    public static IEnumerable<string> EveryTaskHadItsSideEffect(PipelineDefinition pipeline, IReadOnlyList<PipelineRun> runs, ILookup<(string Run, string Task), Execution> executions)
    {
        foreach (var run in runs)
            foreach (var task in pipeline.Tasks)
            {
                if (task.MapOver is not null && run[task.Id].MapLength is not > 0)
                    yield return $"run {run.RunId}: mapped task {task.Id} never expanded ({run[task.Id].State.Name()}: {run[task.Id].Reason})";
                foreach (var unit in Units(task, run))
                {
                    var mine = executions[(run.RunId, unit)].ToList();
                    if (mine.Any(e => e.Succeeded)) continue;
                    yield return mine.Count == 0
                        ? $"run {run.RunId}: task {unit} never executed (no side-effect line)"
                        : $"run {run.RunId}: task {unit} never completed its side effect; its executions: {string.Join("; ", mine)}";
                }
            }
    }

    /// <summary>
    /// For every edge upstream → downstream: when the downstream first started, some execution of the upstream had
    /// succeeded, and no execution of the upstream was still running (unless its process had been killed). A mapped
    /// task's edges are its instances': each instance waits for its upstream, and its downstream waits for every instance.
    /// </summary>
    public static IEnumerable<string> NoDownstreamBeforeItsUpstream(PipelineDefinition pipeline, IReadOnlyList<PipelineRun> runs, ILookup<(string Run, string Task), Execution> executions, IReadOnlyList<FaultEvent> faults)
    {
        foreach (var run in runs)
            foreach (var task in pipeline.Tasks)
                foreach (var unit in Units(task, run))
                {
                    var first = executions[(run.RunId, unit)].OrderBy(e => e.Start).FirstOrDefault();
                    if (first is null) continue;
                    foreach (var upstreamIndex in task.Upstream)
                        foreach (var upstream in Units(pipeline.Tasks[upstreamIndex], run))
                        {
                            var ups = executions[(run.RunId, upstream)].ToList();
                            if (!ups.Any(u => u.Succeeded && u.End <= first.Start))
                            {
                                yield return $"run {run.RunId}: {unit} started at {FaultClock.Format(first.Start)} ({first}) before its upstream {upstream} had succeeded; {upstream}'s executions: {(ups.Count == 0 ? "none" : string.Join("; ", ups))}";
                                continue;
                            }
                            foreach (var running in ups.Where(u => u.Start < first.Start && !(u.End <= first.Start) && !faults.Any(f => f.Kills(u.Pid, u.Start, first.Start))))
                                yield return $"run {run.RunId}: {unit} started at {FaultClock.Format(first.Start)} ({first}) while its upstream {upstream} was still running ({running}, its process not killed)";
                        }
                }
    }

    /// <summary>
    /// Each (run, task, try) executed once, or again only after a fault that touched the earlier execution's process,
    /// and never two at the same time.
    /// </summary>
    public static IEnumerable<string> NoTryExecutedTwiceWithoutAFault(IReadOnlyList<Execution> executions, IReadOnlyList<FaultEvent> faults)
    {
        foreach (var group in executions.GroupBy(e => (e.Run, e.Task, e.Try)))
        {
            var ordered = group.OrderBy(e => e.Start).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                var (earlier, later) = (ordered[i - 1], ordered[i]);
                var killedAt = faults.Where(f => f.Kills(earlier.Pid, earlier.Start, DateTime.MaxValue)).Select(f => (DateTime?)f.At).Min();
                var earlierGone = earlier.End ?? killedAt;
                if (earlierGone is null || later.Start < earlierGone)
                {
                    yield return $"run {group.Key.Run}: try {group.Key.Try} of {group.Key.Task} executed twice at once: {earlier} and {later}";
                    continue;
                }
                var between = faults.Where(f => f.Touches(earlier.Pid, earlier.Start, later.Start)).ToList();
                if (between.Count == 0)
                    yield return $"run {group.Key.Run}: try {group.Key.Try} of {group.Key.Task} executed twice without a fault in between: {earlier}, then {later}";
            }
        }
    }

    private static string Format(NodaTime.Instant? instant) => instant is { } i ? FaultClock.Format(i.ToDateTimeUtc()) : "-";
}
