using System.Collections;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Pipelines.Generators.Model;
using Pipelines.Generators.Tests.Infrastructure;

namespace Pipelines.Generators.Tests;

/// <summary>The generator does no work again for input that did not change, and its cached model holds no compiler objects.</summary>
public sealed class IncrementalTests
{
    private const string Pipeline = """
        using System.Threading.Tasks;
        using Pipelines;
        [assembly: Pool("vendor_api", Slots = 2)]
        namespace Acme;
        public sealed record Prices(int Count);
        [Pipeline("etl", Schedule = "0 4 * * *", TimeZone = "America/New_York", Deadline = "06:30")]
        public partial class Etl
        {
            [PipelineTask(Retries = 1, Pool = "vendor_api", WaitForDownstream = true)] public Task<Prices> Extract() => Task.FromResult(new Prices(1));
            [OnFailure(nameof(Extract))] public static void Page(PipelineEvent failed, System.IFormatProvider? culture) { }
            [PipelineTask] public int Transform([FromTask(nameof(Extract))] Prices prices) => prices.Count;
            [PipelineTask, DependsOn(nameof(Transform))] public void Load() { }
        }
        """;

    private static readonly string[] TrackedSteps =
    {
        // Not Steps.Shape: it stands for the compilation's declarations, and is Modified whenever they change (as the
        // compilation itself is on every edit); what must stay cached is the work after it.
        PipelineGenerator.Steps.Classes,
        PipelineGenerator.Steps.Models,
        PipelineGenerator.Steps.Valid,
        PipelineGenerator.Steps.Pools,
        PipelineGenerator.Steps.Registry,
    };

    [Fact]
    public void Changing_a_pool_s_slots_rewrites_the_registry_only()
    {
        var compilation = GeneratorHarness.Compile(Pipeline, "[assembly: Pipelines.Pool(\"risk_grid\", Slots = 1)]");
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var pools = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(pools,
            CSharpSyntaxTree.ParseText("[assembly: Pipelines.Pool(\"risk_grid\", Slots = 3)]", GeneratorHarness.ParseOptions, pools.FilePath));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();

        Assert.All(result.TrackedSteps[PipelineGenerator.Steps.Valid].SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged));
        Assert.Contains(result.TrackedSteps[PipelineGenerator.Steps.Registry].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("new global::Pipelines.PoolDefinition(\"risk_grid\", 3, null)",
            result.GeneratedSources.Single(g => g.HintName == "Pipelines.GeneratedPipelines.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_second_run_on_a_cloned_compilation_is_fully_cached()
    {
        var compilation = GeneratorHarness.Compile(Pipeline);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var first = driver.GetRunResult();
        Assert.Equal(2, first.GeneratedTrees.Length);

        driver = driver.RunGenerators(compilation.Clone());
        AssertAllCached(driver.GetRunResult());
    }

    [Fact]
    public void An_unrelated_edit_leaves_every_step_cached()
    {
        var compilation = GeneratorHarness.Compile(Pipeline, "namespace Acme; public static class Helpers { public static int One() => 1; }");
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);

        var helpers = compilation.SyntaxTrees.Last();
        var edited = compilation.ReplaceSyntaxTree(helpers,
            CSharpSyntaxTree.ParseText("namespace Acme; public static class Helpers { public static int Two() => 2; }", GeneratorHarness.ParseOptions, helpers.FilePath));
        driver = driver.RunGenerators(edited);
        AssertAllCached(driver.GetRunResult());
    }

    [Fact]
    public void Editing_a_task_setting_reruns_the_pipeline_and_keeps_the_result_new()
    {
        var compilation = GeneratorHarness.Compile(Pipeline);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.Single();
        var edited = compilation.ReplaceSyntaxTree(tree,
            CSharpSyntaxTree.ParseText(Pipeline.Replace("Retries = 1", "Retries = 2"), GeneratorHarness.ParseOptions, tree.FilePath));
        var result = driver.RunGenerators(edited).GetRunResult().Results.Single();
        var models = result.TrackedSteps[PipelineGenerator.Steps.Models].SelectMany(s => s.Outputs).ToList();
        Assert.Contains(models, o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("Retries = 2,", result.GeneratedSources.Single(s => s.HintName == "Acme.Etl.Pipeline.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Equal_inputs_give_equal_models()
    {
        var a = ModelOf(GeneratorHarness.Compile(Pipeline));
        var b = ModelOf(GeneratorHarness.Compile(Pipeline));
        Assert.NotSame(a, b);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void The_model_holds_no_symbols_syntax_locations_or_compilations()
    {
        var model = ModelOf(GeneratorHarness.Compile(Pipeline));
        var banned = new[] { typeof(ISymbol), typeof(SyntaxNode), typeof(Location), typeof(Compilation), typeof(SemanticModel), typeof(SyntaxTree) };
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<(object Value, string Path)>();
        pending.Push((model, "model"));
        var visited = 0;
        while (pending.Count > 0)
        {
            var (value, path) = pending.Pop();
            var type = value.GetType();
            Assert.False(banned.Any(b => b.IsAssignableFrom(type)), $"{path} is a {type.Name}");
            if (type.IsPrimitive || value is string || type.IsEnum || !seen.Add(value)) continue;
            visited++;
            if (value is IEnumerable sequence)
            {
                var i = 0;
                foreach (var item in sequence) if (item is not null) pending.Push((item, $"{path}[{i++}]"));
                continue;
            }
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                if (field.GetValue(value) is { } child) pending.Push((child, $"{path}.{field.Name}"));
            }
        }
        Assert.True(visited > 10, "the walk should reach the tasks and their parameters");
    }

    private static GenerationModel ModelOf(Compilation compilation)
    {
        var result = GeneratorHarness.CreateDriver().RunGenerators(compilation).GetRunResult().Results.Single();
        var output = result.TrackedSteps[PipelineGenerator.Steps.Models].Single().Outputs.Single();
        return Assert.IsType<GenerationModel>(output.Value);
    }

    private static void AssertAllCached(GeneratorDriverRunResult run)
    {
        var result = run.Results.Single();
        foreach (var step in TrackedSteps)
        {
            Assert.True(result.TrackedSteps.ContainsKey(step), $"step {step} was not tracked");
            foreach (var output in result.TrackedSteps[step].SelectMany(s => s.Outputs))
            {
                Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                    $"step {step} ran again with reason {output.Reason}");
            }
        }
        foreach (var output in result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs))
        {
            Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"an output step ran again with reason {output.Reason}");
        }
    }
}
