using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Pipelines.Generators.Tests.Infrastructure;

namespace Pipelines.Generators.Tests;

/// <summary>
/// The generator keeps a pipeline's model while only method bodies change (the edit the IDE sends on most keystrokes), and
/// builds it again for every change it can depend on: a constant, a type or a <c>#nullable</c> directive in another file,
/// another partial part of the class, the compilation's or a file's options, the references, a new file. After every edit
/// of a sequence, what the incremental driver generates is exactly what a fresh driver generates from the same compilation.
/// </summary>
public sealed class DeclarationShapeTests
{
    private const string PipelineFile = """
        using System.Threading.Tasks;
        using Pipelines;
        namespace Acme;
        [Pipeline("etl", Parameters = typeof(Params))]
        public partial class Etl
        {
            [PipelineTask] public Task<Prices> Extract([RunParameters] Params p) => Task.FromResult(new Prices(p.Symbol.Length));
            [PipelineTask] public int Transform([FromTask(nameof(Extract))] Prices prices) => prices.Count;
            [PipelineTask, DependsOn(Ids.After)] public void Load() { }
        }
        """;

    private const string PartFile = """
        using Pipelines;
        namespace Acme;
        public partial class Etl
        {
            [PipelineTask, DependsOn(nameof(Load))] public void Report() { System.Console.WriteLine(1); }
        }
        """;

    private const string TypesFile = """
        namespace Acme;
        public sealed record Prices(int Count);
        /// <param name="Symbol">Ticker.</param>
        public sealed record Params(string Symbol)
        {
            /// <summary>Free text.</summary>
            public string? Note { get; init; }
        }
        public static class Ids
        {
            public const string After = "Extract";
        }
        public static class Helpers
        {
            public static int One() => 1;
            public static int Two() { return 2; }
            public static readonly int Three = 3;
        }
        """;

    private enum Expect
    {
        /// <summary>The model step did not run: its input compared equal.</summary>
        Cached,
        /// <summary>The model step ran again (its result may still equal the last one).</summary>
        Rebuilt,
        /// <summary>The model step ran again and the pipeline's generated code changed.</summary>
        Changed,
    }

    [Fact]
    public void Body_edits_keep_the_model_and_every_other_change_rebuilds_it_as_a_fresh_run_would()
    {
        var compilation = GeneratorHarness.Compile(("Etl.cs", PipelineFile), ("Etl.Part.cs", PartFile), ("Types.cs", TypesFile));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var pipeline = PipelineText(driver.GetRunResult());
        Assert.Contains("\"Load\"", pipeline, StringComparison.Ordinal);

        var steps = new (string What, Func<CSharpCompilation, CSharpCompilation> Edit, Expect Expect)[]
        {
            ("an expression body in another file", c => Replace(c, "Types.cs", "One() => 1", "One() => 10"), Expect.Cached),
            ("a block body in another file", c => Replace(c, "Types.cs", "return 2;", "var two = 2; return two;"), Expect.Cached),
            ("a comment in another file", c => Replace(c, "Types.cs", "namespace Acme;", "// vendors\nnamespace Acme;"), Expect.Cached),
            ("a constant used as a task id", c => Replace(c, "Types.cs", "After = \"Extract\"", "After = \"Transform\""), Expect.Changed),
            ("a body again, after the constant changed", c => Replace(c, "Types.cs", "One() => 10", "One() => 11"), Expect.Cached),
            ("a parameter's documentation in another file", c => Replace(c, "Types.cs", "Ticker.", "Ticker symbol."), Expect.Changed),
            ("a property's documentation in another file", c => Replace(c, "Types.cs", "Free text.", "Free text, kept with the run."), Expect.Changed),
            ("#nullable inside a field's initializer", c => Replace(c, "Types.cs", "Three = 3;", "Three =\n#nullable disable\n        3;"), Expect.Rebuilt),
            ("#nullable in the parameters' file", c => Replace(c, "Types.cs", "namespace Acme;", "#nullable disable\nnamespace Acme;"), Expect.Rebuilt),
            ("#nullable taken out again", c => Replace(c, "Types.cs", "#nullable disable\n", ""), Expect.Rebuilt),
            ("a property of the parameters record", c => Replace(c, "Types.cs", "public string? Note { get; init; }", "public string? Note { get; init; }\n    public int Limit { get; init; }"), Expect.Changed),
            ("a body in the pipeline class's own file", c => Replace(c, "Etl.cs", "p.Symbol.Length", "p.Symbol.Length + 1"), Expect.Rebuilt),
            ("a body in another part of the pipeline class", c => Replace(c, "Etl.Part.cs", "WriteLine(1)", "WriteLine(2)"), Expect.Rebuilt),
            ("a task in another part of the pipeline class", c => Replace(c, "Etl.Part.cs", "DependsOn(nameof(Load))", "DependsOn(nameof(Transform))"), Expect.Changed),
            ("the compilation's options", c => c.WithOptions(c.Options.WithNullableContextOptions(NullableContextOptions.Disable)), Expect.Rebuilt),
            ("a file's parse options", c => WithParseOptions(c, "Types.cs", GeneratorHarness.ParseOptions.WithPreprocessorSymbols("VENDOR")), Expect.Rebuilt),
            ("a reference removed", c => c.RemoveReferences(c.References.Single(r => Path.GetFileName(r.Display) == "Microsoft.CSharp.dll")), Expect.Rebuilt),
            ("a file added", c => c.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Acme; public static class More { }", GeneratorHarness.ParseOptions, "More.cs")), Expect.Rebuilt),
            ("a body in the added file", c => Replace(c, "More.cs", "{ }", "{ public static int Three() => 3; }"), Expect.Rebuilt),
            ("a body in the added file again", c => Replace(c, "More.cs", "Three() => 3", "Three() => 4"), Expect.Cached),
        };

        foreach (var (what, edit, expect) in steps)
        {
            compilation = edit(compilation);
            driver = driver.RunGenerators(compilation);
            var run = driver.GetRunResult();
            var reasons = run.Results.Single().TrackedSteps[PipelineGenerator.Steps.Models].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
            Assert.True(reasons.Count == 1, $"{what}: {reasons.Count} models");
            if (expect == Expect.Cached) Assert.True(reasons[0] == IncrementalStepRunReason.Cached, $"{what}: the model step ran again ({reasons[0]})");
            else Assert.True(reasons[0] != IncrementalStepRunReason.Cached, $"{what}: the model was kept, but this change can alter it");

            var fresh = GeneratorHarness.CreateDriver().RunGenerators(compilation).GetRunResult();
            Assert.Equal(Sources(fresh), Sources(run));
            var next = PipelineText(run);
            if (expect == Expect.Changed) Assert.True(next != pipeline, $"{what}: the generated pipeline should have changed");
            pipeline = next;
        }
    }

    private static string PipelineText(GeneratorDriverRunResult run) =>
        run.Results.Single().GeneratedSources.Single(s => s.HintName == "Acme.Etl.Pipeline.g.cs").SourceText.ToString();

    private static List<(string HintName, string Text)> Sources(GeneratorDriverRunResult run) =>
        run.Results.Single().GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())).OrderBy(s => s.HintName, StringComparer.Ordinal).ToList();

    private static CSharpCompilation Replace(CSharpCompilation compilation, string path, string oldText, string newText)
    {
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        var text = tree.GetText().ToString();
        Assert.Contains(oldText, text, StringComparison.Ordinal);
        return compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(text.Replace(oldText, newText, StringComparison.Ordinal), (CSharpParseOptions)tree.Options, path));
    }

    private static CSharpCompilation WithParseOptions(CSharpCompilation compilation, string path, CSharpParseOptions options)
    {
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        return compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(tree.GetText(), options, path));
    }
}
