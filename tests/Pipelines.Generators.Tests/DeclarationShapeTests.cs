using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Pipelines.Generators.Tests.Infrastructure;

namespace Pipelines.Generators.Tests;

/// <summary>
/// The generator keeps a pipeline's model while only method bodies change (the edit the IDE sends on most keystrokes) or
/// declarations the model cannot read, and builds it again for every change it can depend on: a constant, a type or a
/// <c>#nullable</c> directive in a file whose types the pipeline reaches, a type reached only through another type's
/// declaration, a type that takes a name's place, another partial part of the class, a global using or an assembly
/// attribute anywhere, the compilation's or a file's options, the references, a new file. After every edit of a sequence,
/// what the incremental driver generates is exactly what a fresh driver generates from the same compilation.
/// </summary>
[Collection(nameof(DeclarationShapeTests))]
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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Body_edits_keep_the_model_and_every_other_change_rebuilds_it_as_a_fresh_run_would(bool searchAsText)
    {
        using var _ = SearchAsText(searchAsText);
        var compilation = GeneratorHarness.Compile(("Etl.cs", PipelineFile), ("Etl.Part.cs", PartFile), ("Types.cs", TypesFile));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        var pipeline = PipelineText(driver.GetRunResult(), "Acme.Etl.Pipeline.g.cs");
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
            ("that #nullable moved to the end of the file, after every declaration", c => Edit(c, "Types.cs", text => text.Replace("#nullable disable\nnamespace Acme;", "namespace Acme;", StringComparison.Ordinal) + "\n#nullable disable\n"), Expect.Rebuilt),
            ("#nullable taken out again", c => Replace(c, "Types.cs", "#nullable disable\n", ""), Expect.Rebuilt),

            ("a property of the parameters record", c => Replace(c, "Types.cs", "public string? Note { get; init; }", "public string? Note { get; init; }\n    public int Limit { get; init; }"), Expect.Changed),
            ("a body in the pipeline class's own file", c => Replace(c, "Etl.cs", "p.Symbol.Length", "p.Symbol.Length + 1"), Expect.Rebuilt),
            ("a body in another part of the pipeline class", c => Replace(c, "Etl.Part.cs", "WriteLine(1)", "WriteLine(2)"), Expect.Rebuilt),
            ("a task in another part of the pipeline class", c => Replace(c, "Etl.Part.cs", "DependsOn(nameof(Load))", "DependsOn(nameof(Transform))"), Expect.Changed),
            ("the compilation's options", c => c.WithOptions(c.Options.WithNullableContextOptions(NullableContextOptions.Disable)), Expect.Rebuilt),
            ("a file's parse options", c => WithParseOptions(c, "Types.cs", GeneratorHarness.ParseOptions.WithPreprocessorSymbols("VENDOR")), Expect.Rebuilt),
            ("a reference removed", c => c.RemoveReferences(c.References.Single(r => Path.GetFileName(r.Display) == "Microsoft.CSharp.dll")), Expect.Rebuilt),
            ("a file added", c => c.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Acme; public static class More { }", GeneratorHarness.ParseOptions, "More.cs")), Expect.Rebuilt),
            ("a method in the added file, whose type the pipeline never names", c => Replace(c, "More.cs", "{ }", "{ public static int Three() => 3; }"), Expect.Cached),
            ("a body in the added file", c => Replace(c, "More.cs", "Three() => 3", "Three() => 4"), Expect.Cached),
        };

        Run(compilation, driver, pipeline, steps, "Acme.Etl.Pipeline.g.cs");
    }

    internal const string ReachFile = """
        using System.Threading.Tasks;
        using Pipelines;
        namespace Acme.Jobs;
        [Pipeline("reach")]
        public partial class Reach
        {
            [PipelineTask] public Task<Prices> Extract() => Task.FromResult(new Prices(1));
            [PipelineTask] public int Transform([FromTask(nameof(Extract))] ICounted prices) => prices.Count;
            [PipelineTask(Pool = "vendor"), DependsOn(Names.Last)] public void Load() { }
        }
        """;

    internal const string PoolsFile = """
        [assembly: Pipelines.Pool(Acme.Config.PoolNames.VendorApi, Slots = 2)]
        namespace Acme.Config;
        public static class PoolNames
        {
            public const string VendorApi = "vendor";
        }
        """;

    internal const string ModelsFile = """
        namespace Acme;
        public sealed record Prices(int Count) : Sized(Count);
        public interface ICounted { int Count { get; } }
        public sealed class Names : NameBase { }
        """;

    internal const string BasesFile = """
        namespace Acme;
        public abstract record Sized(int Count) : ICounted;
        public class NameBase
        {
            public const string Last = "Transform";
        }
        """;

    private const string VendorFile = """
        namespace Vendor;
        public static class Feed
        {
            public static int Rows() => 1;
        }
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_declaration_edit_rebuilds_only_models_that_reach_the_changed_names(bool searchAsText)
    {
        using var _ = SearchAsText(searchAsText);
        var compilation = GeneratorHarness.Compile(("Reach.cs", ReachFile), ("Models.cs", ModelsFile), ("Bases.cs", BasesFile), ("Vendor.cs", VendorFile), ("Pools.cs", PoolsFile));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        const string hint = "Acme.Jobs.Reach.Pipeline.g.cs";
        var pipeline = PipelineText(driver.GetRunResult(), hint);
        Assert.Contains("global::Acme.Prices", pipeline, StringComparison.Ordinal);

        var steps = new (string What, Func<CSharpCompilation, CSharpCompilation> Edit, Expect Expect)[]
        {
            ("a method added to a class the pipeline never names", c => Replace(c, "Vendor.cs", "Rows() => 1;", "Rows() => 1;\n    public static int Columns() => 2;"), Expect.Cached),
            ("that method renamed", c => Replace(c, "Vendor.cs", "Columns()", "Cols()"), Expect.Cached),
            ("a documentation comment there", c => Replace(c, "Vendor.cs", "    public static int Cols", "    /// <summary>Columns.</summary>\n    public static int Cols"), Expect.Cached),
            ("a #nullable directive and a using in that file", c => Replace(c, "Vendor.cs", "namespace Vendor;", "#nullable disable\nusing System.IO;\nnamespace Vendor;"), Expect.Cached),
            ("a new type in a namespace the pipeline never names", c => Replace(c, "Vendor.cs", "public static class Feed", "public sealed class Tick { }\npublic static class Feed"), Expect.Cached),
            ("a file added with a type the pipeline never names", c => Add(c, "Bars.cs", "namespace Vendor; public sealed class Bars { public int Open { get; init; } }"), Expect.Cached),
            ("that file removed", c => c.RemoveSyntaxTrees(c.SyntaxTrees.Single(t => t.FilePath == "Bars.cs")), Expect.Cached),
            ("a base type reached only through the output type's declaration", c => Replace(c, "Bases.cs", "(int Count) : ICounted;", "(int Count);"), Expect.Changed),
            ("that base type restored", c => Replace(c, "Bases.cs", "(int Count);", "(int Count) : ICounted;"), Expect.Changed),
            ("the output type's base named through an alias in its file", c => Replace(Replace(c, "Models.cs", "namespace Acme;", "using B = Acme.Sized;\nnamespace Acme;"), "Models.cs", ": Sized(Count)", ": B(Count)"), Expect.Rebuilt),
            ("the aliased base type loses the interface", c => Replace(c, "Bases.cs", "(int Count) : ICounted;", "(int Count);"), Expect.Changed),
            ("the aliased base type gets it back", c => Replace(c, "Bases.cs", "(int Count);", "(int Count) : ICounted;"), Expect.Changed),
            ("a constant in the base class of a class the pipeline names", c => Replace(c, "Bases.cs", "Last = \"Transform\"", "Last = \"Extract\""), Expect.Changed),
            ("a constant an assembly attribute in another file names, for the pool a task takes", c => Replace(c, "Pools.cs", "VendorApi = \"vendor\"", "VendorApi = \"vendors\""), Expect.Changed),
            ("that constant restored", c => Replace(c, "Pools.cs", "VendorApi = \"vendors\"", "VendorApi = \"vendor\""), Expect.Changed),
            ("the pool named through a using static in the assembly attribute's file", c => Replace(c, "Pools.cs", "[assembly: Pipelines.Pool(Acme.Config.PoolNames.VendorApi, Slots = 2)]", "using static Acme.Config.PoolNames;\n[assembly: Pipelines.Pool(VendorApi, Slots = 2)]"), Expect.Rebuilt),
            ("the constant it names changed", c => Replace(c, "Pools.cs", "VendorApi = \"vendor\"", "VendorApi = \"vendors\""), Expect.Changed),
            ("and restored", c => Replace(c, "Pools.cs", "VendorApi = \"vendors\"", "VendorApi = \"vendor\""), Expect.Changed),
            ("a class the assembly attribute does not name, beside it", c => Replace(c, "Pools.cs", "namespace Acme.Config;", "namespace Acme.Config;\npublic static class OtherNames { public const string VendorApi = \"vendors\"; }"), Expect.Cached),
            ("the using static switched to it", c => Replace(c, "Pools.cs", "using static Acme.Config.PoolNames;", "using static Acme.Config.OtherNames;"), Expect.Changed),
            ("and switched back", c => Replace(c, "Pools.cs", "using static Acme.Config.OtherNames;", "using static Acme.Config.PoolNames;"), Expect.Changed),
            ("a type in a nearer namespace taking a name's place", c => Add(c, "Shadow.cs", "namespace Acme.Jobs; public sealed record Prices(int Count) : Acme.Sized(Count);"), Expect.Changed),
            ("a using in a file whose types the pipeline reaches", c => Replace(c, "Models.cs", "namespace Acme;", "using System.IO;\nnamespace Acme;"), Expect.Rebuilt),
            ("a type named like one the parser looks up", c => Replace(c, "Vendor.cs", "public sealed class Tick { }", "public sealed class Tick { }\npublic sealed class RunContext { }"), Expect.Rebuilt),
            ("a global using in an unrelated file", c => Replace(c, "Vendor.cs", "using System.IO;", "global using System.Text;\nusing System.IO;"), Expect.Rebuilt),
            ("an assembly attribute in an unrelated file", c => Replace(c, "Vendor.cs", "namespace Vendor;", "[assembly: System.Reflection.AssemblyMetadata(\"feed\", \"1\")]\nnamespace Vendor;"), Expect.Rebuilt),
            ("a body there afterwards", c => Replace(c, "Vendor.cs", "Rows() => 1;", "Rows() => 3;"), Expect.Cached),
        };

        Run(compilation, driver, pipeline, steps, hint);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Files_in_another_order_and_names_bound_through_another_files_usings_rebuild_the_model(bool searchAsText)
    {
        using var _ = SearchAsText(searchAsText);
        var compilation = GeneratorHarness.Compile(("Etl.cs", PipelineFile), ("Etl.Part.cs", PartFile),
            ("Types.cs", TypesFile.Replace("public sealed record Params", "public sealed partial record Params", StringComparison.Ordinal)),
            ("Types2.cs", "using Mode = Acme.Options.RunMode;\nnamespace Acme;\npublic sealed partial record Params\n{\n    public Mode Mode { get; init; }\n}\n"),
            ("Enum.cs", "namespace Acme.Options;\npublic enum RunMode { Full, Delta }\n"),
            ("PoolA.cs", "[assembly: Pipelines.Pool(\"vendor\", Slots = 2, Description = \"A\")]\n"),
            ("PoolB.cs", "[assembly: Pipelines.Pool(\"vendor\", Slots = 2, Description = \"B\")]\n"));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        const string hint = "Acme.Etl.Pipeline.g.cs";
        var pipeline = PipelineText(driver.GetRunResult(), hint);
        Assert.Contains("\"Delta\"", pipeline, StringComparison.Ordinal);

        var steps = new (string What, Func<CSharpCompilation, CSharpCompilation> Edit, Expect Expect)[]
        {
            ("an enum member, named through an alias in the parameters record's other file", c => Replace(c, "Enum.cs", "Full, Delta", "Full, Delta, Replay"), Expect.Changed),
            ("the parameters record's first file moved after its second (the parameters' order)", c => MoveToEnd(c, "Types.cs"), Expect.Changed),
            ("the first of two declarations of a pool moved after the second (the description kept)", c => MoveToEnd(c, "PoolA.cs"), Expect.Rebuilt),
        };
        Run(compilation, driver, pipeline, steps, hint);
    }

    /// <summary>
    /// Searches every declaration as text (<c>TreeDeclarations.LargeDeclaration</c> = 0) instead of reading its
    /// identifiers, as the generator does for large ones, until disposed. The tests that set it share a collection, so
    /// nothing else runs meanwhile.
    /// </summary>
    internal static IDisposable SearchAsText(bool on)
    {
        var before = Incremental.TreeDeclarations.LargeDeclaration;
        if (on) Incremental.TreeDeclarations.LargeDeclaration = 0;
        return new Restore(() => Incremental.TreeDeclarations.LargeDeclaration = before);
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    private static CSharpCompilation Edit(CSharpCompilation compilation, string path, Func<string, string> edit)
    {
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        return compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(edit(tree.GetText().ToString()), (CSharpParseOptions)tree.Options, path));
    }

    [Fact]
    public void A_name_written_with_a_formatting_character_is_found_as_the_compiler_reads_it()
    {
        // The compiler leaves a formatting character (here a soft hyphen) out of an identifier's name, so the text
        // "Si\u00ADzed" names Sized but does not hold the word: such a file is read token by token, never searched.
        using var _ = SearchAsText(true);
        var models = ModelsFile.Replace(": Sized(Count)", ": Si\u00ADzed(Count)", StringComparison.Ordinal);
        var compilation = GeneratorHarness.Compile(("Reach.cs", ReachFile), ("Models.cs", models), ("Bases.cs", BasesFile), ("Pools.cs", PoolsFile));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        const string hint = "Acme.Jobs.Reach.Pipeline.g.cs";
        var steps = new (string What, Func<CSharpCompilation, CSharpCompilation> Edit, Expect Expect)[]
        {
            ("the output type's base loses the interface the next task takes", c => Replace(c, "Bases.cs", "(int Count) : ICounted;", "(int Count);"), Expect.Changed),
        };
        Run(compilation, driver, PipelineText(driver.GetRunResult(), hint), steps, hint);
    }

    private static CSharpCompilation MoveToEnd(CSharpCompilation compilation, string path)
    {
        var tree = compilation.SyntaxTrees.Single(t => t.FilePath == path);
        return compilation.RemoveSyntaxTrees(tree).AddSyntaxTrees(tree);
    }

    private static void Run(CSharpCompilation compilation, GeneratorDriver driver, string pipeline, (string What, Func<CSharpCompilation, CSharpCompilation> Edit, Expect Expect)[] steps, string hint)
    {
        foreach (var (what, edit, expect) in steps)
        {
            compilation = edit(compilation);
            driver = driver.RunGenerators(compilation);
            var run = driver.GetRunResult();
            Assert.True(run.Results.Single().Exception is null, $"{what}: the generator threw {run.Results.Single().Exception}");
            // A step the driver did not run at all is missing from the tracked steps: its model was kept.
            var reasons = run.Results.Single().TrackedSteps.TryGetValue(PipelineGenerator.Steps.Models, out var models)
                ? models.SelectMany(s => s.Outputs).Select(o => o.Reason).ToList()
                : [IncrementalStepRunReason.Cached];
            Assert.True(reasons.Count == 1, $"{what}: {reasons.Count} models");
            if (expect == Expect.Cached)
            {
                Assert.True(reasons[0] == IncrementalStepRunReason.Cached, $"{what}: the model step ran again ({reasons[0]})");
                // Nor were the assembly's pools read again: no assembly attribute, nothing one names, no reference changed.
                var pools = run.Results.Single().TrackedSteps.TryGetValue(PipelineGenerator.Steps.Pools, out var read)
                    ? read.SelectMany(s => s.Outputs).Select(o => o.Reason).ToList()
                    : [IncrementalStepRunReason.Cached];
                Assert.True(pools.All(r => r == IncrementalStepRunReason.Cached), $"{what}: the pools were read again ({string.Join(", ", pools)})");
            }
            else Assert.True(reasons[0] != IncrementalStepRunReason.Cached, $"{what}: the model was kept, but this change can alter it");

            var fresh = GeneratorHarness.CreateDriver().RunGenerators(compilation).GetRunResult();
            Assert.Equal(Sources(fresh), Sources(run));
            var next = PipelineText(run, hint);
            if (expect == Expect.Changed) Assert.True(next != pipeline, $"{what}: the generated pipeline should have changed");
            pipeline = next;
        }
    }

    /// <summary>The pipeline's generated code, or empty when it has an error and gets none.</summary>
    private static string PipelineText(GeneratorDriverRunResult run, string hint) =>
        run.Results.Single().GeneratedSources.SingleOrDefault(s => s.HintName == hint).SourceText?.ToString() ?? "";

    private static CSharpCompilation Add(CSharpCompilation compilation, string path, string text) =>
        compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions, path));

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
