using System.Text.RegularExpressions;
using Pipelines.Hangfire;

namespace Pipelines.Dashboard.Tests;

public sealed record DeskFile([property: MapLabel] string Desk, int Rows);

/// <summary>Three desks' files, one of which fails to load, so a run has mapped instances in two states.</summary>
[Pipeline("desk_loads")]
public sealed partial class DeskLoads
{
    [PipelineTask] public DeskFile[] ListFiles() => new[] { new DeskFile("rates", 10), new DeskFile("credit", 20), new DeskFile("fx", 30) };

    [PipelineTask]
    public int Load([MapOver(nameof(ListFiles))] DeskFile file) => file.Desk == "credit" ? throw new InvalidOperationException("credit file is truncated") : file.Rows;

    [PipelineTask(Trigger = TriggerRule.AllDone)]
    public int Total([FromTask(nameof(Load))] IReadOnlyList<int> rows) => rows.Sum();
}

/// <summary>The run, task and pipeline pages show a mapped task's instances (read as served HTML, no browser).</summary>
public sealed class MappedPagesTests
{
    [Fact]
    public async Task Pages_list_mapped_instances_with_map_index_and_label_and_the_graph_and_grid_show_the_count()
    {
        await using var host = await DashboardHost.StartAsync(pipelines: new[] { DeskLoads.Definition });
        var runId = host.Operations.Trigger("desk_loads", new NodaTime.LocalDate(2024, 3, 8));
        PipelineRun run;
        for (var i = 0; ; i++)
        {
            run = host.Operations.GetRun("desk_loads", runId)!;
            if (run.State.IsFinished()) break;
            if (i > 600) throw new TimeoutException($"run {runId} did not finish");
            await Task.Delay(50);
        }
        Assert.Equal(new[] { TaskState.Success, TaskState.Failed, TaskState.Success }, run.Instances["Load"].Select(t => t.State));
        using var http = new HttpClient { BaseAddress = new Uri(host.Url + "/") };
        var encodedRun = Uri.EscapeDataString(runId);

        var runPage = await http.GetStringAsync($"pipelines/desk_loads/runs/{encodedRun}");
        Assert.Contains("data-task=\"Load\" data-map-count=\"3\"", runPage, StringComparison.Ordinal);
        Assert.Contains("mapped, 3 instances: 2 success, 1 failed", runPage, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"data-task=""Load\[1\]"" data-map-index=""1"">.*?\[1\]</a> <span class=""pipelines-map-label"">credit</span>"), runPage);
        Assert.Matches(new Regex(@"data-task=""Load\[2\]"" data-map-index=""2"">.*?<span class=""pipelines-map-label"">fx</span>"), runPage);

        var instancePage = await http.GetStringAsync($"pipelines/desk_loads/runs/{encodedRun}/tasks/{Uri.EscapeDataString("Load[1]")}");
        Assert.Contains("<span class=\"pipelines-map-index\">1</span>", instancePage, StringComparison.Ordinal);
        Assert.Contains("<span class=\"pipelines-map-label\">credit</span>", instancePage, StringComparison.Ordinal);
        Assert.Contains("credit file is truncated", instancePage, StringComparison.Ordinal);

        var taskPage = await http.GetStringAsync($"pipelines/desk_loads/runs/{encodedRun}/tasks/Load");
        Assert.Contains("class=\"table table-condensed pipelines-map-instances\"", taskPage, StringComparison.Ordinal);
        Assert.Contains("<td class=\"pipelines-map-label\">rates</td>", taskPage, StringComparison.Ordinal);

        var pipelinePage = await http.GetStringAsync("pipelines/desk_loads");
        Assert.Contains("data-task=\"Load\" data-state=\"failed\" data-kind=\"task\" data-mapped=\"true\" data-map-count=\"3\"", pipelinePage, StringComparison.Ordinal);
        Assert.Contains(">Load [3]</text>", pipelinePage, StringComparison.Ordinal);
        Assert.Contains("data-state=\"failed\" data-map-count=\"3\"", pipelinePage, StringComparison.Ordinal);
    }
}
