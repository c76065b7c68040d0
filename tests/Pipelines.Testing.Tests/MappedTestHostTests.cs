using NodaTime;
using Pipelines.Hangfire;

namespace Pipelines.Testing.Tests;

[Pipeline("test_mapped")]
public sealed partial class TestMapped
{
    [PipelineTask] public int[] Sizes() => new[] { 3, 1, 2 };

    [PipelineTask] public int Square([MapOver(nameof(Sizes))] int size, RunContext run) => size * size + 100 * run.MapIndex!.Value;

    [PipelineTask] public int Sum([FromTask(nameof(Square))] IReadOnlyList<int> squares) => squares.Sum();
}

/// <summary>The in-process test host runs a mapped task's instances with the runtime's own rules.</summary>
public sealed class MappedTestHostTests
{
    private static readonly LocalDate Wednesday = new(2024, 11, 27);

    [Fact]
    public async Task A_whole_run_maps_and_reduces_and_the_mapped_output_is_the_list_of_results()
    {
        var result = await PipelineTestHost.For<TestMapped>().RunAsync(Wednesday);

        Assert.Equal(RunState.Success, result.State);
        Assert.Equal(new[] { 9, 101, 204 }, result.Output<int[]>("Square"));
        Assert.Equal(314, result.Output<int>("Sum"));
    }

    [Fact]
    public async Task One_mapped_task_runs_every_instance_over_the_given_collection()
    {
        var square = await PipelineTestHost.For<TestMapped>().RunTaskAsync("Square", Wednesday, outputs: new Dictionary<string, object?> { ["Sizes"] = new[] { 5, 6 } });

        Assert.Equal(TaskState.Success, square.State);
        Assert.Equal(new[] { 25, 136 }, square.Output<int[]>());
    }

    [Fact]
    public async Task One_mapped_task_without_its_collection_is_an_argument_error()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => PipelineTestHost.For<TestMapped>().RunTaskAsync("Square", Wednesday));
        Assert.StartsWith("Task 'test_mapped.Square' maps over the output of 'Sizes', but no output of it was given.", error.Message, StringComparison.Ordinal);
    }
}
