using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Pipelines.Generators.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pipelines.Generators.Tests;

/// <summary>
/// Seeded random declaration edits across a small project with two pipelines (identifiers swapped for others the project
/// uses, types added, members removed, string constants changed, <c>#nullable</c> toggled, documentation, aliases and
/// <c>using static</c> added, files moved to the end or put back), each followed by a run of the incremental driver and of a fresh one on the same compilation: they must generate
/// exactly the same code, whether the models were kept (<c>ModelInput</c>: the changed names reach nothing they read)
/// or built again. The seed comes from <c>PIPELINES_MUTATION_SEED</c> when set.
/// </summary>
[Collection(nameof(DeclarationShapeTests))]
public sealed class IncrementalEquivalenceTests(ITestOutputHelper output)
{
    private const int Steps = 200;

    private static readonly (string Path, string Text)[] s_files =
    [
        ("Reach.cs", DeclarationShapeTests.ReachFile),
        ("Feed.cs", """
            using Pipelines;
            namespace Vendor.Jobs;
            [Pipeline("feed", Parameters = typeof(FeedParams))]
            public partial class FeedJob
            {
                [PipelineTask] public int Pull([RunParameters] FeedParams p) => Feed.Rows();
                [PipelineTask] public void Store([FromTask(nameof(Pull))] int rows) { }
                [PipelineTask] public void Transform() { }
                [PipelineTask, DependsOn(Acme.Names.Last)] public void Report() { }
            }
            """),
        ("Models.cs", DeclarationShapeTests.ModelsFile),
        ("Bases.cs", DeclarationShapeTests.BasesFile),
        ("Vendor.cs", """
            namespace Vendor;
            public static class Feed
            {
                public static int Rows() => 1;
            }
            /// <param name="Day">The day to pull.</param>
            public sealed record FeedParams(string Day)
            {
                /// <summary>How many rows at most.</summary>
                public int Limit { get; init; }
            }
            """),
        ("Pools.cs", DeclarationShapeTests.PoolsFile),
    ];

    private static readonly string[] s_literals = ["Transform", "Extract", "Pull", "vendor", "vendors", "Load"];

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, false)]
    [InlineData(4, true)]
    public void Random_declaration_edits_generate_what_a_fresh_run_generates(int round, bool searchAsText)
    {
        using var _ = DeclarationShapeTests.SearchAsText(searchAsText);
        var seed = (int.TryParse(Environment.GetEnvironmentVariable("PIPELINES_MUTATION_SEED"), out var s) ? s : 20261202) + round;
        var random = new Random(seed);
        var compilation = GeneratorHarness.Compile(s_files);
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Equal(2, Sources(GeneratorHarness.CreateDriver().RunGenerators(compilation).GetRunResult()).Count(s => s.HintName.EndsWith(".Pipeline.g.cs", StringComparison.Ordinal)));
        var names = compilation.SyntaxTrees.SelectMany(t => t.GetRoot().DescendantTokens()).Where(t => t.IsKind(SyntaxKind.IdentifierToken))
            .Select(t => t.ValueText).Append("Extra").Append("Quote").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        int kept = 0, built = 0, generated = 0;
        for (var step = 1; step <= Steps; step++)
        {
            var (next, edit) = Edit(compilation, random, names);
            compilation = next;
            driver = driver.RunGenerators(compilation);
            var run = driver.GetRunResult();
            var fresh = GeneratorHarness.CreateDriver().RunGenerators(compilation).GetRunResult();
            Assert.True(run.Results.Single().Exception is null, $"seed {seed}, step {step} ({edit}): the generator threw {run.Results.Single().Exception}");
            var incremental = Sources(run);
            var expected = Sources(fresh);
            if (!incremental.SequenceEqual(expected))
            {
                var texts = string.Join("\n", compilation.SyntaxTrees.Select(t => $"--- {t.FilePath}\n{t}"));
                Assert.Fail($"seed {seed}, step {step} ({edit}): the incremental run generated other code than a fresh run.\n{texts}");
            }

            // A step that did not run at all is missing from the tracked steps: its models were kept.
            var models = run.Results.Single().TrackedSteps.TryGetValue(PipelineGenerator.Steps.Models, out var ran) ? ran : [];
            if (models.Length == 0) kept++;
            foreach (var reason in models.SelectMany(s => s.Outputs).Select(o => o.Reason))
            {
                if (reason == IncrementalStepRunReason.Cached) kept++;
                else built++;
            }
            generated += incremental.Count(s => s.HintName.EndsWith(".Pipeline.g.cs", StringComparison.Ordinal));
        }

        output.WriteLine($"seed {seed}: {Steps} edits, models kept {kept} times and built {built} times, {generated} pipelines generated");
        // The sequence is only worth something if it both kept models and rebuilt them, with pipelines generated often.
        Assert.True(kept >= Steps / 4, $"seed {seed}: models were kept only {kept} times");
        Assert.True(built >= Steps / 4, $"seed {seed}: models were built only {built} times");
        Assert.True(generated >= Steps / 4, $"seed {seed}: only {generated} pipelines were generated in {Steps} steps");
    }

    private static (CSharpCompilation Compilation, string Edit) Edit(CSharpCompilation compilation, Random random, string[] names)
    {
        // A file edited earlier is often put back, so the sequence keeps returning to pipelines that generate.
        var trees = compilation.SyntaxTrees.ToList();
        var edited = trees.Where(t => t.ToString() != s_files.Single(f => f.Path == t.FilePath).Text).ToList();
        if (edited.Count > 0 && random.Next(3) == 0) return Restore(compilation, edited[random.Next(edited.Count)]);
        // Mostly the files around the pipelines; sometimes a pipeline's own file.
        var tree = random.Next(8) == 0 ? trees[random.Next(trees.Count)] : trees.Where(t => t.FilePath is not ("Reach.cs" or "Feed.cs")).ElementAt(random.Next(trees.Count - 2));
        var root = tree.GetRoot();
        var text = root.ToFullString();
        string edit;
        string next;
        var outsideBodies = root.DescendantTokens(n => n is not (BlockSyntax or ArrowExpressionClauseSyntax)).ToList();
        switch (random.Next(9))
        {
            case 0:
            case 1:
            {
                var identifiers = outsideBodies.Where(t => t.IsKind(SyntaxKind.IdentifierToken)).ToList();
                var token = identifiers[random.Next(identifiers.Count)];
                var name = names[random.Next(names.Length)];
                edit = $"{tree.FilePath}: '{token.ValueText}' at {token.SpanStart} renamed '{name}'";
                next = Splice(text, token.Span.Start, token.Span.Length, name);
                break;
            }
            case 2:
            {
                var name = names[random.Next(names.Length)];
                var declaration = random.Next(3) switch
                {
                    0 => $"public sealed class {name} {{ }}",
                    1 => $"public sealed record {name}(int Count) : Acme.Sized(Count);",
                    _ => $"public static class {name} {{ public const string Last = \"Extract\"; }}",
                };
                var at = root.DescendantNodes().OfType<BaseNamespaceDeclarationSyntax>().FirstOrDefault() is FileScopedNamespaceDeclarationSyntax ns ? ns.Span.End : text.Length;
                edit = $"{tree.FilePath}: added '{declaration}'";
                next = Splice(text, at, 0, "\n" + declaration + "\n");
                break;
            }
            case 3:
            {
                var members = root.DescendantNodes(n => n is not (BlockSyntax or ArrowExpressionClauseSyntax)).OfType<MemberDeclarationSyntax>()
                    .Where(m => m is not BaseNamespaceDeclarationSyntax).ToList();
                if (members.Count == 0) return Restore(compilation, tree);
                var member = members[random.Next(members.Count)];
                edit = $"{tree.FilePath}: removed '{Shorten(member.ToString())}'";
                next = Splice(text, member.FullSpan.Start, member.FullSpan.Length, "");
                break;
            }
            case 4:
            {
                var literals = outsideBodies.Where(t => t.IsKind(SyntaxKind.StringLiteralToken)).ToList();
                if (literals.Count == 0) return Restore(compilation, tree);
                var literal = literals[random.Next(literals.Count)];
                var value = s_literals[random.Next(s_literals.Length)];
                edit = $"{tree.FilePath}: {literal.Text} made \"{value}\"";
                next = Splice(text, literal.Span.Start, literal.Span.Length, $"\"{value}\"");
                break;
            }
            case 5:
            {
                edit = $"{tree.FilePath}: #nullable toggled";
                next = text.StartsWith("#nullable disable\n", StringComparison.Ordinal) ? text["#nullable disable\n".Length..] : "#nullable disable\n" + text;
                break;
            }
            case 6:
            {
                var members = root.DescendantNodes(n => n is not (BlockSyntax or ArrowExpressionClauseSyntax)).OfType<MemberDeclarationSyntax>()
                    .Where(m => m is not BaseNamespaceDeclarationSyntax).ToList();
                if (members.Count == 0) return Restore(compilation, tree);
                var member = members[random.Next(members.Count)];
                var doc = $"/// <summary>Note {random.Next(100)}.</summary>\n/// <param name=\"Day\">Day {random.Next(100)}.</param>\n";
                edit = $"{tree.FilePath}: documented '{Shorten(member.ToString())}'";
                // Before any comment it has: the first <summary> and <param> of a documentation comment are the ones read.
                next = Splice(text, member.FullSpan.Start, 0, doc);
                break;
            }
            case 7:
            {
                // An alias or a using static, which binds names in this file's declarations (and its assembly attributes).
                var name = names[random.Next(names.Length)];
                var target = names[random.Next(names.Length)];
                var directive = random.Next(2) == 0 ? $"using {name} = Acme.{target};" : $"using static Acme.{target};";
                edit = $"{tree.FilePath}: added '{directive}'";
                next = directive + "\n" + text;
                break;
            }
            case 8:
            {
                // The same files in another order: partial declarations and assembly attributes are read in order.
                edit = $"{tree.FilePath}: moved to the end of the compilation";
                return (compilation.RemoveSyntaxTrees(tree).AddSyntaxTrees(tree), edit);
            }
            default:
                return Restore(compilation, tree);
        }
        return (compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(next, (CSharpParseOptions)tree.Options, tree.FilePath)), edit);
    }

    /// <summary>Puts a file back as it was at the start, so the sequence keeps coming back to pipelines that generate.</summary>
    private static (CSharpCompilation, string) Restore(CSharpCompilation compilation, SyntaxTree tree)
    {
        var original = s_files.Single(f => f.Path == tree.FilePath).Text;
        return (compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(original, (CSharpParseOptions)tree.Options, tree.FilePath)), $"{tree.FilePath}: restored");
    }

    private static string Splice(string text, int start, int length, string replacement) => text[..start] + replacement + text[(start + length)..];

    private static string Shorten(string text) => text.Length <= 60 ? text.ReplaceLineEndings(" ") : text[..60].ReplaceLineEndings(" ") + "...";

    private static List<(string HintName, string Text)> Sources(GeneratorDriverRunResult run) =>
        run.Results.Single().GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())).OrderBy(s => s.HintName, StringComparer.Ordinal).ToList();
}
