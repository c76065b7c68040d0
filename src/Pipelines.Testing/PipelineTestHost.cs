using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Pipelines.Hangfire;

namespace Pipelines.Testing;

/// <summary>
/// Runs a pipeline, or one of its tasks, inside a unit test, with no Hangfire server: the runtime's own coordinator and
/// task job work on a private in-memory store and a <see cref="FakeClock"/>, so trigger rules, condition and branch
/// skips, retries, sensors, timeouts and the run's outcome are the ones a server applies. Retry delays and sensor waits
/// advance the fake clock instead of the test waiting for them. Ready tasks run one at a time, in the order the
/// coordinator queued them.
/// </summary>
/// <example><code>
/// var clock = new FakeClock(Instant.FromUtc(2024, 11, 28, 9, 0));
/// var result = await PipelineTestHost
///     .For&lt;NightlyDataload&gt;(services => services.AddSingleton&lt;IVendorClient&gt;(fakeVendor))
///     .WithClock(clock)
///     .RunAsync(new LocalDate(2024, 11, 27));
///
/// Assert.Equal(RunState.Success, result.State);
/// Assert.Equal(3, result["IngestFundamentals"].Tries);
/// Assert.Equal(5, result.Output&lt;FundamentalsFile&gt;("IngestFundamentals").Rows);
/// </code></example>
public sealed class PipelineTestHost
{
    private readonly Action<IServiceCollection>? _configureServices;
    private FakeClock? _clock;
    private TaskDataSerializer? _serializer;
    private int _maxTries = 10_000;

    private PipelineTestHost(PipelineDefinition pipeline, Action<IServiceCollection>? configureServices)
    {
        Pipeline = pipeline;
        _configureServices = configureServices;
    }

    /// <summary>A host for the pipeline declared by <typeparamref name="TPipeline"/>.</summary>
    /// <param name="services">Registers what the pipeline class and its tasks need (fakes of the test's choosing).</param>
    /// <exception cref="ArgumentException"><typeparamref name="TPipeline"/> is not a compiled pipeline.</exception>
    public static PipelineTestHost For<TPipeline>(Action<IServiceCollection>? services = null) where TPipeline : class
    {
        // The generated registry adds the assembly's pipelines from a module initializer: make sure it has run.
        RuntimeHelpers.RunModuleConstructor(typeof(TPipeline).Module.ModuleHandle);
        var pipeline = PipelineCatalog.All.FirstOrDefault(p => p.PipelineType == typeof(TPipeline))
            ?? throw new ArgumentException($"{typeof(TPipeline).FullName} is not a compiled pipeline: mark it [Pipeline(\"id\")], make it partial, and reference the Pipelines package so the generator compiles it.", nameof(TPipeline));
        return new PipelineTestHost(pipeline, services);
    }

    /// <summary>A host for a pipeline definition (a generated <c>Definition</c>, or one from <see cref="PipelineCatalog"/>).</summary>
    /// <param name="pipeline">The pipeline to run.</param>
    /// <param name="services">Registers what the pipeline class and its tasks need.</param>
    public static PipelineTestHost For(PipelineDefinition pipeline, Action<IServiceCollection>? services = null) =>
        new(pipeline ?? throw new ArgumentNullException(nameof(pipeline)), services);

    /// <summary>The pipeline this host runs.</summary>
    public PipelineDefinition Pipeline { get; }

    /// <summary>
    /// The clock the runtime and the tasks' log read, which retry delays and sensor waits advance. Register it in the
    /// test's services too (<c>services.AddSingleton&lt;IClock&gt;(clock)</c>) when tasks read the time. Without one, each
    /// run gets its own clock, starting at midnight UTC the day after its logical date.
    /// </summary>
    public FakeClock? Clock => _clock;

    /// <summary>Uses <paramref name="clock"/> for every run of this host (see <see cref="Clock"/>).</summary>
    public PipelineTestHost WithClock(FakeClock clock)
    {
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        return this;
    }

    /// <summary>Reads and writes task outputs with <paramref name="serializer"/>, as the app's <c>PipelinesOptions.Serializer</c> does.</summary>
    public PipelineTestHost WithSerializer(TaskDataSerializer serializer)
    {
        _serializer = serializer ?? throw new ArgumentNullException(nameof(serializer));
        return this;
    }

    /// <summary>Gives up (with an exception) after this many tries and pokes in one run; 10,000 unless set. A guard against a sensor that pokes for ever.</summary>
    public PipelineTestHost WithMaxTries(int maxTries)
    {
        if (maxTries < 1) throw new ArgumentOutOfRangeException(nameof(maxTries), maxTries, "Allow at least one try.");
        _maxTries = maxTries;
        return this;
    }

    /// <summary>Triggers a run for <paramref name="logicalDate"/> and runs it to the end.</summary>
    /// <param name="logicalDate">The run's logical date.</param>
    /// <param name="parameters">The run's parameters (<see cref="RunContext.Parameters"/>).</param>
    /// <param name="cancellationToken">Stops the run between tries, and is handed to the tasks.</param>
    /// <exception cref="InvalidOperationException">The run did not end within the tries allowed (<see cref="WithMaxTries"/>).</exception>
    public async Task<PipelineTestResult> RunAsync(LocalDate logicalDate, IReadOnlyDictionary<string, string>? parameters = null, CancellationToken cancellationToken = default)
    {
        using var session = Start(logicalDate);
        var runId = session.Operations.Trigger(Pipeline.Id, logicalDate, parameters);
        await session.DriveAsync(runId, _ => true, run => run.State.IsFinished(), _maxTries, cancellationToken).ConfigureAwait(false);
        var run = session.ReadRun(runId);
        var tasks = run.Tasks.Select(t => session.Result(runId, t)).ToList();
        var instances = run.Instances.ToDictionary(
            mapped => mapped.Key,
            mapped =>
            {
                var labels = session.Operations.GetMapLabels(Pipeline.Id, runId, mapped.Key);
                return (IReadOnlyList<TaskTestResult>)mapped.Value.OrderBy(i => i.MapIndex)
                    .Select(i => session.Result(runId, i, i.MapIndex is { } index && index < labels.Count ? labels[index] : null)).ToList();
            },
            StringComparer.Ordinal);
        var (_, message) = run.State.IsFinished()
            ? RunOutcome.Of(Pipeline, i => run.Tasks[i].State)
            : (run.State, $"Run did not finish: {string.Join("; ", run.Tasks.Where(t => !t.State.IsTerminal()).Select(t => $"{t.TaskId} is {t.State.Name()} ({t.Reason})"))}.");
        return new PipelineTestResult(Pipeline, runId, logicalDate, run.State, message, tasks, instances, session.Clock.GetCurrentInstant());
    }

    /// <summary>
    /// Runs one task of a run for <paramref name="logicalDate"/>, with its retries (or a sensor's pokes) as on a server,
    /// as if its direct upstream tasks had succeeded with the given <paramref name="outputs"/>. Nothing else runs.
    /// </summary>
    /// <param name="taskId">The task to run.</param>
    /// <param name="logicalDate">The run's logical date.</param>
    /// <param name="outputs">Upstream results by task id, as the tasks returned them (they are serialized as the runtime would); every <see cref="FromTaskAttribute"/> input needs one.</param>
    /// <param name="parameters">The run's parameters.</param>
    /// <param name="cancellationToken">Stops between tries, and is handed to the task.</param>
    /// <exception cref="ArgumentException">The pipeline has no such task, or an input of the task has no output given.</exception>
    /// <example><code>
    /// var daily = await host.RunTaskAsync("BuildDailyFundamentals", new LocalDate(2024, 11, 27),
    ///     outputs: new Dictionary&lt;string, object?&gt; { ["IngestFundamentals"] = new FundamentalsFile(path, date, 5) });
    /// </code></example>
    public Task<TaskTestResult> RunTaskAsync(string taskId, LocalDate logicalDate, IReadOnlyDictionary<string, object?>? outputs = null, IReadOnlyDictionary<string, string>? parameters = null, CancellationToken cancellationToken = default)
    {
        var serializer = _serializer ?? TaskDataSerializer.Default;
        var json = (outputs ?? new Dictionary<string, object?>()).ToDictionary(o => o.Key, o => serializer.Serialize(o.Value), StringComparer.Ordinal);
        return RunOneAsync(taskId, logicalDate, json, parameters, cancellationToken);
    }

    /// <summary>Runs one task again on an earlier run's logical date and outputs (see <see cref="RunTaskAsync(string, LocalDate, IReadOnlyDictionary{string, object}, IReadOnlyDictionary{string, string}, CancellationToken)"/>).</summary>
    /// <param name="taskId">The task to run.</param>
    /// <param name="earlier">A run of the same pipeline whose outputs the task reads.</param>
    /// <param name="cancellationToken">Stops between tries, and is handed to the task.</param>
    public Task<TaskTestResult> RunTaskAsync(string taskId, PipelineTestResult earlier, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        if (earlier.Pipeline.Id != Pipeline.Id)
            throw new ArgumentException($"The earlier run is of pipeline '{earlier.Pipeline.Id}', not '{Pipeline.Id}'.", nameof(earlier));
        return RunOneAsync(taskId, earlier.LogicalDate, earlier.Outputs, null, cancellationToken);
    }

    private async Task<TaskTestResult> RunOneAsync(string taskId, LocalDate logicalDate, IReadOnlyDictionary<string, string> outputs, IReadOnlyDictionary<string, string>? parameters, CancellationToken cancellationToken)
    {
        var task = TaskOf(taskId);
        if (task.MapOver is { } over && !outputs.ContainsKey(Pipeline.Tasks[over].Id))
            throw new ArgumentException($"Task '{Pipeline.Id}.{task.Id}' maps over the output of '{Pipeline.Tasks[over].Id}', but no output of it was given. Pass outputs: new Dictionary<string, object?> {{ [\"{Pipeline.Tasks[over].Id}\"] = ... }}, or an earlier run's result.", nameof(outputs));
        foreach (var input in task.Inputs)
        {
            var from = Pipeline.Tasks[input.FromTask].Id;
            if (!outputs.ContainsKey(from))
                throw new ArgumentException(
                    $"Task '{Pipeline.Id}.{task.Id}' reads the output of '{from}' (its parameter '{input.ParameterName}', a {input.Type.Name}), but no output of '{from}' was given. " +
                    $"Pass outputs: new Dictionary<string, object?> {{ [\"{from}\"] = ... }}, or an earlier run's result.", nameof(outputs));
        }

        using var session = Start(logicalDate);
        var runId = session.Operations.Trigger(Pipeline.Id, logicalDate, parameters);
        session.WriteOutputs(runId, outputs);
        // The direct upstream tasks are marked succeeded by the runtime's own operator step, so the task's trigger rule
        // queues it exactly as it would on a server; what lies further up is never run.
        foreach (var upstream in task.Upstream) session.Operations.MarkState(Pipeline.Id, runId, Pipeline.Tasks[upstream].Id, TaskState.Success);
        // A mapped task runs all its instances (each job names its instance, Load[2]).
        await session.DriveAsync(runId, job => MapKey.TaskIdOf(job.TaskId) == task.Id, run => run[task.Id].State.IsTerminal(), _maxTries, cancellationToken).ConfigureAwait(false);
        return session.Result(runId, session.ReadRun(runId)[task.Id]);
    }

    private TaskDefinition TaskOf(string taskId)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        return Pipeline.TryGetTask(taskId, out var task)
            ? task
            : throw new ArgumentException($"Pipeline '{Pipeline.Id}' has no task '{taskId}'. Its tasks are: {string.Join(", ", Pipeline.Tasks.Select(t => t.Id))}.", nameof(taskId));
    }

    private TestSession Start(LocalDate logicalDate)
    {
        var clock = _clock ?? new FakeClock(logicalDate.PlusDays(1).AtMidnight().InUtc().ToInstant());
        return new TestSession(Pipeline, clock, _serializer, _configureServices);
    }
}
