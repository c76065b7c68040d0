using System.Collections.Immutable;
using NodaTime;

namespace Pipelines.Tests;

public sealed class PipelineDefinitionTests
{
    private static PipelineDefinition Create(string id, params string[] taskIds) =>
        new(id, typeof(PipelineDefinitionTests),
            taskIds.Select((t, i) => new TaskDefinition { Index = i, Id = t }).ToImmutableArray(),
            (index, invocation) => ValueTask.FromResult(TaskOutcome.Completed($"\"{invocation.Run.TaskId}:{index}\"")));

    [Fact]
    public void Unknown_task_ids_name_the_pipeline_and_its_tasks()
    {
        var definition = Create("etl", "Extract", "Load");
        var error = Assert.Throws<KeyNotFoundException>(() => definition["Transform"]);
        Assert.Equal("Pipeline 'etl' has no task 'Transform'. Its tasks are: Extract, Load.", error.Message);
        Assert.False(definition.TryGetTask("Transform", out _));
    }

    [Fact]
    public void Mermaid_is_written_from_the_tasks_with_each_kind_in_its_shape_unless_older_generated_code_set_it()
    {
        var tasks = ImmutableArray.Create(
            new TaskDefinition { Index = 0, Id = "Arrived", Kind = TaskKind.Sensor, Downstream = ImmutableArray.Create(1, 2) },
            new TaskDefinition { Index = 1, Id = "IsOpen", Kind = TaskKind.Condition, Upstream = ImmutableArray.Create(0), Downstream = ImmutableArray.Create(2) },
            new TaskDefinition { Index = 2, Id = "Route", Kind = TaskKind.Branch, Upstream = ImmutableArray.Create(0, 1), Downstream = ImmutableArray.Create(3) },
            new TaskDefinition { Index = 3, Id = "end", Upstream = ImmutableArray.Create(2), Downstream = default });
        var definition = new PipelineDefinition("shapes", typeof(object), tasks, (_, _) => default);

        Assert.Equal(
            "flowchart LR\n    t0([\"Arrived\"])\n    t1{\"IsOpen\"}\n    t2{{\"Route\"}}\n    t3[\"end\"]\n"
            + "    t0 --> t1\n    t0 --> t2\n    t1 --> t2\n    t2 --> t3\n",
            definition.Mermaid);
        Assert.Same(definition.Mermaid, definition.Mermaid);
        Assert.Equal("flowchart TD\n", new PipelineDefinition("set", typeof(object), tasks, (_, _) => default) { Mermaid = "flowchart TD\n" }.Mermaid);
    }

    [Fact]
    public void Tasks_must_stand_at_their_index()
    {
        var tasks = ImmutableArray.Create(new TaskDefinition { Index = 1, Id = "A" });
        var error = Assert.Throws<ArgumentException>(() => new PipelineDefinition("etl", typeof(object), tasks, (_, _) => default));
        Assert.StartsWith("Task 'A' has index 1 but stands at position 0.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_refuses_a_task_of_another_pipeline_and_dispatches_by_index()
    {
        var etl = Create("etl", "Extract", "Load");
        var other = Create("other", "Extract", "Load");
        var run = new RunContext("etl", "r", "Load", new LocalDate(2024, 1, 2), new Interval(null, null));
        var invocation = new TaskInvocation(run, new EmptyServices(), new NoOutputs());
        Assert.Throws<ArgumentException>(() => etl.InvokeAsync(other["Load"], invocation));
        var outcome = await etl.InvokeAsync(etl["Load"], invocation);
        Assert.Equal("\"Load:1\"", outcome.OutputJson);
    }

    [Fact]
    public void The_catalog_refuses_two_pipelines_with_one_id_and_accepts_the_same_one_twice()
    {
        var first = Create("catalog_test_" + Guid.NewGuid().ToString("N"), "A");
        PipelineCatalog.Register(new[] { first });
        PipelineCatalog.Register(new[] { first });
        Assert.Same(first, PipelineCatalog.Get(first.Id));
        var clash = Create(first.Id, "B");
        var error = Assert.Throws<InvalidOperationException>(() => PipelineCatalog.Register(new[] { clash }));
        Assert.StartsWith($"Two pipelines have the id '{first.Id}'", error.Message, StringComparison.Ordinal);
        Assert.Throws<KeyNotFoundException>(() => PipelineCatalog.Get("no_such_pipeline"));
    }

    [Fact]
    public void Task_data_round_trips_NodaTime_values_in_ISO_form()
    {
        var serializer = TaskDataSerializer.Default;
        var value = new Sample(new LocalDate(2024, 3, 8), Instant.FromUtc(2024, 3, 8, 14, 30), 42.5m);
        var json = serializer.Serialize(value);
        Assert.Equal("""{"session":"2024-03-08","landedAt":"2024-03-08T14:30:00Z","total":42.5}""", json);
        Assert.Equal(value, serializer.Deserialize<Sample>(json));
    }

    private sealed record Sample(LocalDate Session, Instant LandedAt, decimal Total);

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }

    private sealed class NoOutputs : ITaskOutputSource
    {
        public string? GetOutputJson(string taskId) => null;
    }
}
