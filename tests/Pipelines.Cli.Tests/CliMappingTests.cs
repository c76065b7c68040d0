using System.Text.Json;

namespace Pipelines.Cli.Tests;

public sealed record CliFile([property: MapLabel] string Name, int Rows);

/// <summary>Three vendor files; the run parameter <c>fail</c> names one whose load always fails.</summary>
[Pipeline("cli_mapped")]
public sealed partial class CliMapped
{
    [PipelineTask] public CliFile[] ListFiles() => new[] { new CliFile("a.csv", 1), new CliFile("b.csv", 2), new CliFile("c.csv", 3) };

    [PipelineTask]
    public int Load([MapOver(nameof(ListFiles))] CliFile file, RunContext run) =>
        run.Parameters.TryGetValue("fail", out var failing) && failing == file.Name
            ? throw new InvalidDataException($"{file.Name} is truncated")
            : file.Rows * 10 + run.MapIndex!.Value;

    [PipelineTask] public int Total([FromTask(nameof(Load))] IReadOnlyList<int> rows) => rows.Sum();
}

/// <summary>The command line over a mapped pipeline: counts in trigger --wait and runs, and test --map-index.</summary>
public sealed class CliMappingTests
{
    private static Task<(int Exit, string Out, string Error)> Cli(params string[] args) =>
        CliTests.CliWith(new[] { CliMapped.Definition }, null, null, CancellationToken.None, args);

    [Fact]
    public async Task Trigger_wait_json_gives_a_mapped_task_its_count_and_instances()
    {
        var (exit, output, error) = await Cli("trigger", "cli_mapped", "--date", "2024-11-27", "--wait", "--json");
        Assert.True(exit == 0, output + error);
        using var json = JsonDocument.Parse(output);
        var load = json.RootElement.GetProperty("tasks").EnumerateArray().Single(t => t.GetProperty("task").GetString() == "Load");
        Assert.Equal(3, load.GetProperty("mapCount").GetInt32());
        Assert.Equal(new[] { "Load[0]", "Load[1]", "Load[2]" }, load.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("task").GetString()));
        Assert.Equal(new[] { 0, 1, 2 }, load.GetProperty("instances").EnumerateArray().Select(i => i.GetProperty("mapIndex").GetInt32()));
        Assert.All(load.GetProperty("instances").EnumerateArray(), i => Assert.Equal("success", i.GetProperty("state").GetString()));
    }

    [Fact]
    public async Task Trigger_wait_names_the_failed_instance_with_its_reason_and_exits_1()
    {
        var (exit, output, _) = await Cli("trigger", "cli_mapped", "--date", "2024-11-27", "--param", "fail=b.csv", "--wait");
        Assert.Equal(1, exit);
        Assert.Contains("Load[1]: Failed", output, StringComparison.Ordinal);
        Assert.Contains("InvalidDataException: b.csv is truncated", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Load[0]: ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_runs_one_instance_with_its_element_and_map_index()
    {
        var (exit, output, error) = await Cli("test", "cli_mapped", "Load", "--date", "2024-11-27", "--map-index", "1",
            "--input", """ListFiles=[{"name":"x.csv","rows":4},{"name":"y.csv","rows":5}]""");
        Assert.True(exit == 0, output + error);
        Assert.Equal("cli_mapped.Load [2024-11-27]: succeeded\n51\n", output.Replace("\r\n", "\n"));
    }

    [Theory]
    [InlineData(new[] { "test", "cli_mapped", "Load", "--date", "2024-11-27", "--input", "ListFiles=[]" }, "error: task 'Load' is mapped over 'ListFiles'; pass --map-index <n> to run the instance for element n (from 0).")]
    [InlineData(new[] { "test", "cli_mapped", "Load", "--date", "2024-11-27", "--map-index", "2", "--input", "ListFiles=[{\"name\":\"x\",\"rows\":1}]" }, "error: --map-index 2 is past the end of 'ListFiles', which has 1 element(s).")]
    [InlineData(new[] { "test", "cli_mapped", "ListFiles", "--date", "2024-11-27", "--map-index", "0" }, "error: task 'ListFiles' is not mapped, so it has no --map-index.")]
    public async Task Test_map_index_mistakes_are_explained(string[] args, string message)
    {
        var (exit, _, error) = await Cli(args);
        Assert.Equal(2, exit);
        Assert.Equal(message, error.Trim());
    }
}
