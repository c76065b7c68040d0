using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Pipelines.Generators.Tests.TestPipelines;

namespace Pipelines.Generators.Tests;

/// <summary>
/// Pipelines in this project are compiled by the real generator during the build (warnings are errors here):
/// these tests use the generated definitions directly, as a host would.
/// </summary>
public sealed class CompileAndRunTests
{
    private static readonly PipelineDefinition Definition = DataLoadPipeline.Definition;

    private static string[] Ids(IEnumerable<int> indices) => indices.Select(i => Definition.Tasks[i].Id).ToArray();

    [Fact]
    public void Tasks_are_in_topological_order_taking_declaration_order_among_ready_tasks()
    {
        Assert.Equal(
            new[] { "Ingest", "VendorFileArrived", "BuildFundamentals", "PublishSummary", "IsFullSession", "ChooseRisk", "QueueRiskModels", "Notify", "SkipRisk" },
            Definition.Tasks.Select(t => t.Id));
        Assert.Equal(Enumerable.Range(0, Definition.Tasks.Length), Definition.Tasks.Select(t => t.Index));
        foreach (var task in Definition.Tasks)
        {
            Assert.All(task.Upstream, u => Assert.True(u < task.Index, $"{Definition.Tasks[u].Id} must come before {task.Id}"));
        }
    }

    [Fact]
    public void Upstream_and_downstream_come_from_DependsOn_and_typed_inputs()
    {
        Assert.Equal(new[] { "Ingest", "VendorFileArrived" }, Ids(Definition["BuildFundamentals"].Upstream));
        Assert.Equal(new[] { "BuildFundamentals", "IsFullSession" }, Ids(Definition["ChooseRisk"].Upstream));
        Assert.Equal(new[] { "PublishSummary", "QueueRiskModels" }, Ids(Definition["Notify"].Upstream));
        Assert.Equal(new[] { "PublishSummary", "IsFullSession", "ChooseRisk" }, Ids(Definition["BuildFundamentals"].Downstream));
        Assert.Empty(Definition["Ingest"].Upstream);
        Assert.Empty(Definition["Notify"].Downstream);
        Assert.Equal(new[] { "QueueRiskModels", "SkipRisk" }, Ids(Definition["ChooseRisk"].BranchTargets));
    }

    [Fact]
    public void Every_setting_is_a_constant_of_the_definition()
    {
        Assert.Equal("test_dataload", Definition.Id);
        Assert.Equal(typeof(DataLoadPipeline), Definition.PipelineType);
        Assert.Equal("0 4 * * 1-5", Definition.Schedule);
        Assert.Equal("America/New_York", Definition.TimeZone);
        Assert.Equal("XNYS", Definition.Calendar);
        Assert.Equal(new LocalDate(2024, 1, 2), Definition.StartDate);
        Assert.False(Definition.Catchup);
        Assert.Equal(2, Definition.MaxActiveRuns);
        Assert.Equal("Ingest the vendor's file, build fundamentals, queue risk jobs.", Definition.Description);
        Assert.Equal(new[] { "finance", "nightly" }, Definition.Tags);

        var ingest = Definition["Ingest"];
        Assert.Equal(3, ingest.Retries);
        Assert.Equal(TimeSpan.FromMinutes(1), ingest.RetryDelay);
        Assert.True(ingest.RetryExponentialBackoff);
        Assert.Equal(TimeSpan.FromMinutes(5), ingest.MaxRetryDelay);
        Assert.Equal(TimeSpan.FromMinutes(10), ingest.Timeout);
        Assert.Equal(5, ingest.PriorityWeight);
        Assert.Equal(typeof(VendorFile), ingest.OutputType);
        Assert.Equal(new[] { TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5) },
            Enumerable.Range(1, 4).Select(ingest.RetryDelayAfter));

        var notify = Definition["Notify"];
        Assert.Equal(TriggerRule.AllDone, notify.Trigger);
        Assert.Equal("risk", notify.Queue);
        Assert.Null(notify.OutputType);
        Assert.Equal(PipelineDefaults.Queue, Definition["SkipRisk"].Queue);
        Assert.Equal(PipelineDefaults.RetryDelay, Definition["SkipRisk"].RetryDelay);

        var sensor = Definition["VendorFileArrived"];
        Assert.Equal(TaskKind.Sensor, sensor.Kind);
        Assert.Equal(new SensorSettings(TimeSpan.FromSeconds(30), TimeSpan.FromHours(1), true, SensorMode.Reschedule), sensor.Sensor);
        Assert.Equal(TaskKind.Condition, Definition["IsFullSession"].Kind);
        Assert.Equal(TaskKind.Branch, Definition["ChooseRisk"].Kind);
        Assert.Equal(new TaskInput("file", 0, typeof(VendorFile)), Assert.Single(Definition["BuildFundamentals"].Inputs));
    }

    [Fact]
    public void A_task_with_no_settings_has_the_attribute_defaults_although_the_generated_code_writes_none_of_them()
    {
        // The generated code leaves out every setting equal to TaskDefinition's own initializer; this pins those
        // initializers to what [PipelineTask] documents for a task that sets nothing.
        var plain = Definition["SkipRisk"];
        var attribute = new PipelineTaskAttribute();
        Assert.Equal(TaskKind.Task, plain.Kind);
        Assert.Equal(attribute.Retries, plain.Retries);
        Assert.Equal(PipelineDefaults.RetryDelay, plain.RetryDelay);
        Assert.Equal(attribute.RetryExponentialBackoff, plain.RetryExponentialBackoff);
        Assert.Null(plain.MaxRetryDelay);
        Assert.Null(plain.Timeout);
        Assert.Equal(attribute.Trigger, plain.Trigger);
        Assert.Equal(PipelineDefaults.Queue, plain.Queue);
        Assert.Equal(attribute.PriorityWeight, plain.PriorityWeight);
        Assert.Equal(attribute.WeightRule, plain.WeightRule);
        Assert.Null(plain.Pool);
        Assert.Equal(attribute.PoolSlots, plain.PoolSlots);
        Assert.Equal(attribute.MaxActiveTries, plain.MaxActiveTries);
        Assert.Equal(attribute.DependsOnPast, plain.DependsOnPast);
        Assert.Equal(attribute.WaitForDownstream, plain.WaitForDownstream);
        Assert.Null(plain.Deadline);
        Assert.Empty(plain.Inputs);
        Assert.Null(plain.OutputType);
        Assert.Empty(plain.Downstream);
        Assert.Empty(plain.BranchTargets);
        Assert.Empty(plain.Produces);
        Assert.Null(plain.MapOver);
        Assert.Null(plain.Sensor);
    }

    [Fact]
    public void Mermaid_rendering_shows_every_task_and_edge()
    {
        var expected = string.Join("\n",
            "flowchart LR",
            "    t0[\"Ingest\"]",
            "    t1([\"VendorFileArrived\"])",
            "    t2[\"BuildFundamentals\"]",
            "    t3[\"PublishSummary\"]",
            "    t4{\"IsFullSession\"}",
            "    t5{{\"ChooseRisk\"}}",
            "    t6[\"QueueRiskModels\"]",
            "    t7[\"Notify\"]",
            "    t8[\"SkipRisk\"]",
            "    t0 --> t2",
            "    t1 --> t2",
            "    t2 --> t3",
            "    t2 --> t4",
            "    t2 --> t5",
            "    t4 --> t5",
            "    t5 --> t6",
            "    t3 --> t7",
            "    t6 --> t7",
            "    t5 --> t8",
            "");
        Assert.Equal(expected, Definition.Mermaid);
    }

    [Fact]
    public async Task Typed_dispatch_calls_each_method_with_its_inputs_and_serializes_outputs()
    {
        var log = new CallLog();
        await using var services = new ServiceCollection()
            .AddSingleton<IVendorClient, FakeVendor>()
            .AddSingleton(log)
            .BuildServiceProvider();
        var outputs = new Outputs();
        var date = new LocalDate(2024, 3, 8);

        async Task<TaskOutcome> Run(string taskId, int tryNumber = 1)
        {
            var run = new RunContext("test_dataload", "run-1", taskId, date,
                new Interval(Instant.FromUtc(2024, 3, 8, 0, 0), Instant.FromUtc(2024, 3, 9, 0, 0)), tryNumber);
            var outcome = await Definition.InvokeAsync(Definition[taskId], new TaskInvocation(run, services, outputs));
            if (outcome.OutputJson is not null) outputs.Set(taskId, outcome.OutputJson);
            return outcome;
        }

        var ingest = await Run("Ingest", tryNumber: 2);
        Assert.Equal("""{"vendor":"acme","date":"2024-03-08","rows":42}""", ingest.OutputJson);
        Assert.Equal(TaskKind.Task, ingest.Kind);

        var sensor = await Run("VendorFileArrived");
        Assert.Equal(TaskKind.Sensor, sensor.Kind);
        Assert.True(sensor.Result);

        var build = await Run("BuildFundamentals");
        Assert.Equal("""{"vendor":"acme","rows":42,"total":63.0}""", build.OutputJson);

        var summary = await Run("PublishSummary");
        Assert.Equal("\"acme: 63.0\"", summary.OutputJson);

        var condition = await Run("IsFullSession");
        Assert.Equal(TaskKind.Condition, condition.Kind);
        Assert.True(condition.Result);

        var branch = await Run("ChooseRisk");
        Assert.Equal(TaskKind.Branch, branch.Kind);
        Assert.Equal(new[] { "QueueRiskModels" }, branch.ChosenBranches);

        var queue = await Run("QueueRiskModels");
        Assert.Null(queue.OutputJson);
        await Run("Notify");

        Assert.Equal(new[] { "Ingest 2024-03-08 try 2", "BuildFundamentals acme 42", "ChooseRisk 63.0", "QueueRiskModels", "Notify run-1" }, log.Calls);
    }

    [Fact]
    public async Task A_missing_upstream_output_names_the_task_and_the_fix()
    {
        await using var services = new ServiceCollection().AddSingleton<IVendorClient, FakeVendor>().AddSingleton(new CallLog()).BuildServiceProvider();
        var run = new RunContext("test_dataload", "run-1", "BuildFundamentals", new LocalDate(2024, 3, 8), new Interval(Instant.MinValue, Instant.MaxValue));
        var error = await Assert.ThrowsAsync<TaskInputMissingException>(async () =>
            await Definition.InvokeAsync(Definition["BuildFundamentals"], new TaskInvocation(run, services, new Outputs())));
        Assert.Equal("Ingest", error.FromTaskId);
        Assert.StartsWith("Task 'test_dataload.BuildFundamentals' reads the output of 'Ingest', but 'Ingest' has recorded none", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Static_pipelines_need_no_services_and_inputs_convert_implicitly()
    {
        var definition = StaticPipeline.Definition;
        Assert.Equal(new[] { "Count", "Describe" }, definition.Tasks.Select(t => t.Id));
        var outputs = new Outputs();
        var services = new ServiceCollection().BuildServiceProvider();
        var context = new RunContext("test_static", "r", "Count", new LocalDate(2024, 1, 1), new Interval(Instant.MinValue, Instant.MaxValue));
        var count = await definition.InvokeAsync(definition["Count"], new TaskInvocation(context, services, outputs));
        outputs.Set("Count", count.OutputJson!);
        var describe = await definition.InvokeAsync(definition["Describe"], new TaskInvocation(context, services, outputs));
        Assert.Equal("\"count=3\"", describe.OutputJson);
    }

    [Fact]
    public void The_generated_registry_lists_the_assembly_pipelines_and_fills_the_catalog()
    {
        Assert.Equal(new[] { "test_backfill_prices", "test_controls", "test_dataload", "test_static" }, Pipelines.Generated.GeneratedPipelines.All.Select(p => p.Id));
        Assert.Same(DataLoadPipeline.Definition, PipelineCatalog.Get("test_dataload"));
        Assert.Same(StaticPipeline.Definition, PipelineCatalog.Get("test_static"));
    }

    private sealed class Outputs : ITaskOutputSource
    {
        private readonly ConcurrentDictionary<string, string> _values = new();

        public void Set(string taskId, string json) => _values[taskId] = json;

        public string? GetOutputJson(string taskId) => _values.TryGetValue(taskId, out var json) ? json : null;
    }

    [Fact]
    public void Issue_11_controls_are_constants_of_the_definition()
    {
        var definition = ControlsPipeline.Definition;
        Assert.Equal(3, definition.MaxActiveTasks);
        Assert.Equal("@session_close+01:00", definition.Deadline);

        var ingest = definition["Ingest"];
        Assert.Equal("test_vendor_api", ingest.Pool);
        Assert.Equal(2, ingest.PoolSlots);
        Assert.Equal(1, ingest.MaxActiveTries);
        Assert.Equal(10, ingest.PriorityWeight);
        Assert.Equal(PriorityWeightRule.Absolute, ingest.WeightRule);
        Assert.Equal("06:30", ingest.Deadline);
        Assert.False(ingest.DependsOnPast);

        // WaitForDownstream implies DependsOnPast, as Airflow forces it.
        Assert.True(definition["Roll"].WaitForDownstream);
        Assert.True(definition["Roll"].DependsOnPast);
        Assert.True(definition["Publish"].DependsOnPast);
        Assert.False(definition["Publish"].WaitForDownstream);

        // Unset controls keep the API's defaults.
        var publish = definition["Publish"];
        Assert.Null(publish.Pool);
        Assert.Equal(1, publish.PoolSlots);
        Assert.Equal(0, publish.MaxActiveTries);
        Assert.Equal(1, publish.PriorityWeight);
        Assert.Equal(new PipelineTaskAttribute().WeightRule, publish.WeightRule);
        Assert.Null(publish.Deadline);
        Assert.Equal(0, Definition.MaxActiveTasks);
        Assert.Null(Definition.Deadline);
        Assert.Empty(Definition.Callbacks);
    }

    [Fact]
    public void Declared_pools_are_registered_when_the_assembly_loads()
    {
        var pool = Assert.Single(Pipelines.Generated.GeneratedPipelines.Pools);
        Assert.Equal(("test_vendor_api", 4, "The vendor allows four connections"), (pool.Name, pool.Slots, pool.Description));
        Assert.True(PoolCatalog.TryGet("test_vendor_api", out var registered));
        Assert.Equal(4, registered.Slots);
    }

    [Fact]
    public void Callbacks_are_listed_with_their_kind_and_tasks()
    {
        Assert.Equal(
            new[] { "Failure RunFailed []", "Success Succeeded [Ingest,Roll]", "Retry Retrying [Ingest]", "DeadlineMissed Late []" },
            ControlsPipeline.Definition.Callbacks.Select(c => $"{c.Kind} {c.MethodName} [{string.Join(",", c.TaskIds)}]"));
    }

    [Fact]
    public async Task Invoking_a_callback_calls_the_method_with_the_event_the_token_and_services_from_DI()
    {
        var log = new CallLog();
        await using var services = new ServiceCollection().AddSingleton(log).BuildServiceProvider();
        var callbacks = ControlsPipeline.Definition.Callbacks.ToDictionary(c => c.MethodName);
        var at = Instant.FromUtc(2024, 3, 8, 21, 0);
        using var cancellation = new CancellationTokenSource();

        await callbacks["RunFailed"].Invoke(services, new PipelineEvent(PipelineEventKind.RunFailed, "test_controls", "run-7", null, "failed", "Roll failed", at), cancellation.Token);
        await callbacks["Succeeded"].Invoke(services, new PipelineEvent(PipelineEventKind.TaskSucceeded, "test_controls", "run-7", "Ingest", "success", "", at), default);
        await callbacks["Retrying"].Invoke(services, new PipelineEvent(PipelineEventKind.TaskRetry, "test_controls", "run-7", "Ingest", "up_for_retry", "", at), default);
        await callbacks["Late"].Invoke(services, new PipelineEvent(PipelineEventKind.DeadlineMissed, "test_controls", "run-7", null, "running", "", at), default);

        // Instance callbacks get the class from DI's services (its CallLog); the static one takes the CallLog as a parameter;
        // the optional IFormatProvider nobody registered comes in as null.
        Assert.Equal(new[] { "failed run-7 True", "succeeded Ingest", "retry Ingest True", "late" }, log.Calls);
    }
}
