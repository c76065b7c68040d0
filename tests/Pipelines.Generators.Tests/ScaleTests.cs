using System.Text;
using Microsoft.CodeAnalysis;
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
}
