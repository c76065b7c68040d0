using System.Runtime.Loader;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Pipelines.Generators.Tests.Infrastructure;

namespace Pipelines.Generators.Tests;

/// <summary>Graph checks are iterative and linear: very long chains and dense graphs build without stack overflow.</summary>
public sealed class ScaleTests
{
    private static string Chain(int length, bool closeTheLoop)
    {
        var source = new StringBuilder("using Pipelines;\n[Pipeline(\"chain\")]\npublic partial class Chain\n{\n");
        source.Append(closeTheLoop ? $"    [PipelineTask, DependsOn(\"T{length - 1}\")] public static void T0() {{ }}\n" : "    [PipelineTask] public static void T0() { }\n");
        for (var i = 1; i < length; i++) source.Append($"    [PipelineTask, DependsOn(\"T{i - 1}\")] public static void T{i}() {{ }}\n");
        return source.Append("}\n").ToString();
    }

    [Fact]
    public async Task A_ten_thousand_task_chain_builds_in_order()
    {
        var build = await GeneratorHarness.BuildAsync(Chain(10_000, closeTheLoop: false));
        Assert.Empty(build.Ours.Where(d => d.Severity >= DiagnosticSeverity.Warning)); // the string ids get PIPE035 suggestions
        Assert.All(build.Run.Results, r => Assert.Null(r.Exception));
        var generated = build.SourceFor("Chain.Pipeline.g.cs")!;
        Assert.Contains("case 9999: return Invoke_T9999(invocation);", generated, StringComparison.Ordinal);
        Assert.Contains("Id = \"T9999\"", generated, StringComparison.Ordinal);
        Assert.Empty(build.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public async Task A_ten_thousand_task_cycle_is_reported_once_with_its_whole_path()
    {
        var build = await GeneratorHarness.BuildAsync(Chain(10_000, closeTheLoop: true));
        var cycle = Assert.Single(build.Ours, d => d.Severity >= DiagnosticSeverity.Warning);
        Assert.Equal("PIPE001", cycle.Id);
        var message = cycle.GetMessage();
        Assert.StartsWith("Pipeline 'chain' has a dependency cycle: T0 → T1 → T2 → ", message, StringComparison.Ordinal);
        Assert.Contains("T9998 → T9999 → T0.", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_thousand_tasks_with_twenty_thousand_edges_build()
    {
        const int tasks = 2_000;
        var source = new StringBuilder("using Pipelines;\n[Pipeline(\"dense\")]\npublic partial class Dense\n{\n");
        var edges = 0;
        for (var i = 0; i < tasks; i++)
        {
            // Each task depends on up to eleven earlier tasks, spread out so the graph is wide as well as deep.
            var upstream = Enumerable.Range(1, 11).Select(k => i - k * k).Where(u => u >= 0).Select(u => $"\"T{u}\"").ToList();
            edges += upstream.Count;
            source.Append(upstream.Count == 0
                ? $"    [PipelineTask] public static void T{i}() {{ }}\n"
                : $"    [PipelineTask, DependsOn({string.Join(", ", upstream)})] public static void T{i}() {{ }}\n");
        }
        source.Append("}\n");
        Assert.True(edges >= 20_000, $"only {edges} edges");

        var build = await GeneratorHarness.BuildAsync(source.ToString());
        Assert.Empty(build.Ours.Where(d => d.Severity >= DiagnosticSeverity.Warning)); // the string ids get PIPE035 suggestions
        Assert.All(build.Run.Results, r => Assert.Null(r.Exception));
        Assert.NotNull(build.SourceFor("Dense.Pipeline.g.cs"));
    }

    [Fact]
    public async Task A_pipeline_larger_than_one_dispatch_block_calls_every_task_by_its_index()
    {
        // Above 256 tasks the dispatch switches on a block of 256 first (the compiler is slow on one huge switch):
        // every index, the first and last of each block included, must still reach its own method.
        const int tasks = 600;
        var source = new StringBuilder("using Pipelines;\nnamespace Blocks;\n[Pipeline(\"dispatch_blocks\")]\npublic static partial class Blocks\n{\n");
        for (var i = 0; i < tasks; i++) source.Append($"    [PipelineTask] public static int T{i}() => {i};\n");
        source.Append("}\n");
        var build = await GeneratorHarness.BuildAsync(source.ToString());
        Assert.Empty(build.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));

        using var image = new MemoryStream();
        Assert.True(build.Output.Emit(image).Success);
        image.Position = 0;
        var context = new AssemblyLoadContext("dispatch_blocks", isCollectible: true);
        try
        {
            var type = context.LoadFromStream(image).GetType("Blocks.Blocks")!;
            var definition = (PipelineDefinition)type.GetProperty("Definition")!.GetValue(null)!;
            Assert.Equal(tasks, definition.Tasks.Length);
            await using var services = new ServiceCollection().BuildServiceProvider();
            var run = new RunContext("dispatch_blocks", "run-1", "T0", new LocalDate(2024, 3, 8),
                new Interval(Instant.FromUtc(2024, 3, 8, 0, 0), Instant.FromUtc(2024, 3, 9, 0, 0)), 1);
            var invocation = new TaskInvocation(run, services, new NoOutputs());
            foreach (var task in definition.Tasks)
            {
                var outcome = await definition.InvokeAsync(task, invocation);
                Assert.Equal($"T{outcome.OutputJson}", task.Id);
            }
        }
        finally
        {
            context.Unload();
        }
    }

    private sealed class NoOutputs : ITaskOutputSource
    {
        public string? GetOutputJson(string taskId) => null;
    }
}
