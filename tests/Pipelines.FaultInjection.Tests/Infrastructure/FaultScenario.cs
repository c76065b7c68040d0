using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using NodaTime;
using Pipelines.Hangfire;
using Xunit.Abstractions;

namespace Pipelines.FaultInjection.Tests.Infrastructure;

/// <summary>
/// One fault-injection scenario: a private PostgreSQL server with one database, a fleet of real serve processes on it,
/// the runs the suite triggered, the faults it caused, and a watcher that records when each run finished. Everything it
/// starts is ended by id in <see cref="DisposeAsync"/>; its work folder (server logs, side-effect file, report) is kept
/// when the scenario failed and deleted when it passed.
/// </summary>
public sealed class FaultScenario : IAsyncDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly List<FaultEvent> _faults = [];
    private readonly List<string> _runIds = [];
    private readonly ConcurrentDictionary<string, PipelineRun> _latest = new(StringComparer.Ordinal);
    private readonly Dictionary<FaultEvent, IReadOnlyList<string>> _unfinishedAtFault = [];
    private readonly StringBuilder _report = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watcher;
    private readonly List<string> _triggerProblems = [];
    private int _triggers;
    private string? _lastReadError;
    private bool _passed;

    private FaultScenario(string name, ITestOutputHelper output, int seed)
    {
        _output = output;
        Seed = seed;
        Random = new Random(seed);
        TriggerRandom = new Random(unchecked(seed * 31 + 7));
        WorkFolder = Path.Combine(Path.GetTempPath(), $"pipelines-faults-{name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}"[..Math.Min(80, name.Length + 56)]);
        Directory.CreateDirectory(WorkFolder);
        SideEffects = Path.Combine(WorkFolder, "side-effects.jsonl");
        Log($"scenario {name}: seed {seed} (FAULT_SEED={seed} repeats the fault times), work folder {WorkFolder}");
        Postgres = PrivatePostgres.Start();
        ConnectionString = Postgres.CreateDatabase("faults");
        // The schema is installed here, once, before any server races to install it.
        Store = new RunStore(ConnectionString);
        _ = Store.Operations.ListRuns(RunStore.Pipeline.Id, 1);
        Servers = Enumerable.Range(1, ServerCount)
            .Select(i => new ServeProcess($"serve-{i}", ConnectionString, SideEffects, Path.Combine(WorkFolder, $"serve-{i}.log")))
            .ToList();
        _watcher = Task.Run(WatchAsync);
    }

    public const int ServerCount = 2;

    public int Seed { get; }

    /// <summary>The fault times and victims (used by one thread only: Random is not thread-safe).</summary>
    public Random Random { get; }

    /// <summary>The trigger pacing, apart from <see cref="Random"/> so that a seed repeats the same faults.</summary>
    public Random TriggerRandom { get; }

    public string WorkFolder { get; }

    public string SideEffects { get; }

    public PrivatePostgres Postgres { get; }

    public string ConnectionString { get; }

    public RunStore Store { get; }

    public IReadOnlyList<ServeProcess> Servers { get; }

    public IReadOnlyList<FaultEvent> Faults { get { lock (_faults) return _faults.ToList(); } }

    public IReadOnlyList<string> RunIds { get { lock (_runIds) return _runIds.ToList(); } }

    /// <summary>How long runs get to finish after the last fault: FAULT_RECOVERY_SECONDS, 90 by default.</summary>
    public static TimeSpan RecoveryDeadline => TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("FAULT_RECOVERY_SECONDS"), CultureInfo.InvariantCulture, out var seconds) && seconds > 0 ? seconds : 90);

    public static FaultScenario Create(string name, ITestOutputHelper output)
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FAULT_SEED"), CultureInfo.InvariantCulture, out var s) ? s : Environment.TickCount & 0x7fffffff;
        return new FaultScenario(name, output, seed);
    }

    /// <summary>A line in the test output and in the report kept in the work folder.</summary>
    public void Log(string line)
    {
        var stamped = $"{FaultClock.Format(DateTime.UtcNow)} {line}";
        lock (_report) _report.AppendLine(stamped);
        try { _output.WriteLine(stamped); } catch (InvalidOperationException) { } // the test already ended
    }

    public async Task StartServersAsync()
    {
        foreach (var server in Servers) server.Start();
        foreach (var server in Servers) await server.WaitUntilServingAsync(TimeSpan.FromSeconds(90));
        Log($"serving: {string.Join(", ", Servers.Select(s => $"{s.Name} pid {s.Pid}"))}");
    }

    /// <summary>
    /// Triggers a run of the pipeline for a date of its own (runs never share a logical date). A trigger that fails (for
    /// example on a lock a killed server held) is a violation, not the end of the scenario.
    /// </summary>
    public void Trigger()
    {
        var date = new LocalDate(2024, 1, 1).PlusDays(Interlocked.Increment(ref _triggers) - 1);
        var at = DateTime.UtcNow;
        try
        {
            var runId = Store.Operations.Trigger(RunStore.Pipeline.Id, date);
            lock (_runIds) _runIds.Add(runId);
            Log($"triggered {runId}");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var problem = $"[triggering works during the faults] the trigger for {date:yyyy-MM-dd} started at {FaultClock.Format(at)} failed after {(DateTime.UtcNow - at).TotalSeconds:0.0} s: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}";
            lock (_triggerProblems) _triggerProblems.Add(problem);
            Log(problem);
        }
    }

    /// <summary>SIGKILL one server, note which runs were unfinished then, wait, start it again.</summary>
    public async Task KillAndRestartAsync(ServeProcess server, TimeSpan pause)
    {
        var (pid, at) = server.Kill();
        var unfinished = Unfinished();
        await Task.Delay(pause);
        server.Start();
        Record(new FaultEvent($"SIGKILL {server.Name} (pid {pid})", at, pid, DateTime.UtcNow), unfinished);
        Log($"killed {server.Name} pid {pid} at {FaultClock.Format(at)} with {unfinished.Count} run(s) unfinished; restarted after {pause.TotalSeconds:0.0} s as pid {server.Pid}");
    }

    /// <summary>Stops the PostgreSQL server (fast shutdown), waits, starts it again.</summary>
    public async Task RestartDatabaseAsync(TimeSpan down)
    {
        var unfinished = Unfinished();
        var at = DateTime.UtcNow;
        Postgres.StopServer();
        var stopped = DateTime.UtcNow;
        await Task.Delay(down);
        Postgres.StartServer();
        var until = DateTime.UtcNow;
        Record(new FaultEvent("PostgreSQL restart (pg_ctl stop -m fast, start)", at, null, until), unfinished);
        Log($"database stopped at {FaultClock.Format(at)} (took {(stopped - at).TotalSeconds:0.0} s) with {unfinished.Count} run(s) unfinished; accepting connections again at {FaultClock.Format(until)}");
    }

    /// <summary>
    /// Waits until every triggered run has finished, or the deadline after the last fault passes. Returns the
    /// violations of "the fleet keeps working": runs that did not finish (with each task's state and reason) and
    /// servers that exited by themselves.
    /// </summary>
    public async Task<List<string>> WaitForRunsAsync()
    {
        var lastFault = Faults.Select(f => f.Until ?? f.At).DefaultIfEmpty(DateTime.UtcNow).Max();
        var deadline = (lastFault > DateTime.UtcNow ? lastFault : DateTime.UtcNow) + RecoveryDeadline;
        List<string> problems;
        lock (_triggerProblems) problems = _triggerProblems.ToList();
        var exited = new HashSet<string>();
        while (true)
        {
            var runs = ReadRuns(out var error);
            if (runs is not null && runs.Count == RunIds.Count && runs.All(r => r.State.IsFinished())) break;
            foreach (var server in Servers)
            {
                if (server.ExitCode is { } code && exited.Add($"{server.Name}:{server.Pid}"))
                {
                    problems.Add($"[servers survive the faults] {server.Name} (pid {server.Pid}) exited by itself with code {code} at about {FaultClock.Format(DateTime.UtcNow)}; the end of its log {server.LogFile}:\n{ServeProcess.Tail(server.ReadLog(), 15)}");
                    Log($"{server.Name} pid {server.Pid} exited by itself with {code}: started again so the runs can finish");
                    server.Start();
                }
            }
            if (DateTime.UtcNow > deadline)
            {
                var unfinished = (runs ?? _latest.Values.ToList()).Where(r => !r.State.IsFinished()).ToList();
                problems.Add($"[runs finish after the faults] {unfinished.Count} of {RunIds.Count} run(s) not finished at {FaultClock.Format(DateTime.UtcNow)}, {RecoveryDeadline.TotalSeconds:0} s after the last fault was over (FAULT_RECOVERY_SECONDS raises it): {string.Join(", ", unfinished.Select(r => r.RunId))}{(error is null ? "" : $"; reading the runs failed: {error}")}");
                break;
            }
            await Task.Delay(500);
        }
        return problems;
    }

    /// <summary>The runs as stored now (null when the database cannot be read, with the reason).</summary>
    public IReadOnlyList<PipelineRun>? ReadRuns(out string? error)
    {
        try
        {
            var runs = RunIds.Select(id => Store.Operations.GetRun(RunStore.Pipeline.Id, id)
                ?? throw new InvalidOperationException($"run {id} is not in storage")).ToList();
            foreach (var run in runs) _latest[run.RunId] = run;
            error = null;
            return runs;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            error = $"{ex.GetType().Name}: {ex.Message.Split('\n')[0]}";
            return null;
        }
    }

    /// <summary>Every invariant of issue 10 over the stored runs, the side-effect file and the faults.</summary>
    public List<string> CheckInvariants(IReadOnlyList<PipelineRun> runs)
    {
        var executions = Execution.ReadAll(SideEffects);
        var byTask = executions.ToLookup(e => (e.Run, e.Task));
        var faults = Faults;
        var pipeline = RunStore.Pipeline;
        var ids = RunIds;
        var violations = new List<string>();
        violations.AddRange(FaultInvariants.EveryRunSucceeded(runs, byTask, faults).Select(v => "[every run succeeded] " + v));
        violations.AddRange(FaultInvariants.EveryTaskHadItsSideEffect(pipeline, runs, byTask).Select(v => "[every side effect happened] " + v));
        violations.AddRange(FaultInvariants.NoDownstreamBeforeItsUpstream(pipeline, runs, byTask, faults).Select(v => "[no downstream before its upstream] " + v));
        violations.AddRange(FaultInvariants.MappedCountsMatchTheirInstances(pipeline, runs, Store.Counts).Select(v => "[mapped counts match their instances] " + v));
        violations.AddRange(FaultInvariants.NoTryExecutedTwiceWithoutAFault(executions.Where(e => ids.Contains(e.Run)).ToList(), faults).Select(v => "[no try twice without a fault] " + v));

        var repeated = executions.GroupBy(e => (e.Run, e.Task)).Count(g => g.Count() > 1);
        Log($"side effects: {executions.Count} execution(s) of {runs.Sum(r => pipeline.Tasks.Sum(t => FaultInvariants.Units(t, r).Count))} task instance(s); {executions.Count(e => e.End is null)} cut off by a kill, " +
            $"{executions.Count(e => e.End is not null && !e.Succeeded)} failed, {repeated} task instance(s) executed more than once, highest try {executions.Select(e => e.Try).DefaultIfEmpty().Max()}");
        return violations;
    }

    /// <summary>Prints how long the runs took to finish after each fault, from the runs' recorded end times.</summary>
    public void ReportRecovery(IReadOnlyList<PipelineRun> runs)
    {
        var ended = runs.ToDictionary(r => r.RunId, r => r.EndedAt?.ToDateTimeUtc(), StringComparer.Ordinal);
        foreach (var fault in Faults)
        {
            var waiting = _unfinishedAtFault[fault];
            var ends = waiting.Select(id => ended.GetValueOrDefault(id)).ToList();
            var last = ends.Where(e => e is not null).Select(e => e!.Value).DefaultIfEmpty(fault.At).Max();
            Log(ends.Any(e => e is null)
                ? $"recovery after {fault}: {ends.Count(e => e is null)} of {waiting.Count} run(s) unfinished then never finished"
                : $"recovery after {fault}: the {waiting.Count} run(s) unfinished then all ended {(last - fault.At).TotalSeconds:0.0} s after it ({(last - (fault.Until ?? fault.At)).TotalSeconds:0.0} s after it was over)");
        }
        if (Faults.Count > 0 && ended.Values.All(e => e is not null))
        {
            var lastFault = Faults.MaxBy(f => f.At)!;
            Log($"time to recover: all {runs.Count} run(s) finished {(ended.Values.Max()!.Value - (lastFault.Until ?? lastFault.At)).TotalSeconds:0.0} s after the last fault was over ({lastFault})");
        }
    }

    /// <summary>Fails with every violation (the first 40 in the message; all of them in the report file).</summary>
    public void AssertNone(List<string> violations)
    {
        foreach (var violation in violations) Log("VIOLATION " + violation);
        File.WriteAllText(Path.Combine(WorkFolder, "report.txt"), _report.ToString());
        if (violations.Count == 0)
        {
            _passed = true;
            return;
        }
        var shown = violations.Take(40).ToList();
        Assert.Fail($"{violations.Count} violation(s) (seed {Seed}; logs, side effects and report in {WorkFolder}):\n" +
            string.Join("\n", shown) + (violations.Count > shown.Count ? $"\n... and {violations.Count - shown.Count} more in report.txt" : ""));
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        try { await _watcher; } catch (OperationCanceledException) { }
        foreach (var server in Servers) server.Dispose();
        Store.Dispose();
        Postgres.Dispose();
        _stop.Dispose();
        if (_passed && Environment.GetEnvironmentVariable("FAULT_KEEP") is null)
        {
            try { Directory.Delete(WorkFolder, recursive: true); } catch (IOException) { }
        }
    }

    private void Record(FaultEvent fault, IReadOnlyList<string> unfinished)
    {
        lock (_faults)
        {
            _faults.Add(fault);
            _unfinishedAtFault[fault] = unfinished;
        }
    }

    /// <summary>The triggered runs not known to have finished (the watcher's view, at most half a second old).</summary>
    private List<string> Unfinished() =>
        RunIds.Where(id => !_latest.TryGetValue(id, out var run) || !run.State.IsFinished()).ToList();

    private async Task WatchAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            _ = ReadRuns(out var error);
            if (error != _lastReadError)
            {
                Log(error is null ? "reading runs works again" : $"reading runs failed: {error}");
                _lastReadError = error;
            }
            await Task.Delay(500, _stop.Token);
        }
    }
}
