using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Pipelines.Generators.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Pipelines.Generators.Tests;

/// <summary>
/// Half-edited code, as the IDE hands it over while someone types: valid pipelines with seeded random edits (a token
/// deleted, duplicated or swapped, the text cut short, a keyword or a null id inserted, a brace dropped) run through the
/// generator and the analyzer. For every edit: no exception, no hang, no error inside (or caused by) generated code, and
/// no pipeline that disappears without a reason the user can see.
/// </summary>
public sealed class RobustnessMutationTests(ITestOutputHelper output)
{
    /// <summary>
    /// Fixed, so every run checks the same cases. Explore others with PIPELINES_MUTATION_SEED=n; a failure prints the
    /// seed, the case, its edits and its source, so it can be replayed.
    /// </summary>
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("PIPELINES_MUTATION_SEED"), out var seed) ? seed : 20261201;

    private const int Cases = 2000;

    /// <summary>Generous: a case takes milliseconds; this only catches a hang (a loop that never ends).</summary>
    private static readonly TimeSpan s_perCase = TimeSpan.FromSeconds(20);

    private static readonly Lazy<CSharpCompilation> s_empty = new(() => GeneratorHarness.Compile(Array.Empty<string>()));

    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks; using Pipelines;\n";

    private static readonly string[] s_pipelines =
    {
        Usings + """
            namespace Acme.Loads;

            public sealed record Prices(int Count);
            public interface IVendor { Prices Fetch(); }

            [Pipeline("nightly", Schedule = "0 4 * * 1-5", TimeZone = "America/New_York", Calendar = "XNYS", MaxActiveRuns = 1)]
            public sealed partial class Nightly(IVendor vendor)
            {
                [PipelineTask(Retries = 2, RetryDelay = "00:05:00", Timeout = "01:00:00", Queue = "ingest")]
                public Task<Prices> Ingest(RunContext run, CancellationToken ct) => Task.FromResult(vendor.Fetch());

                [PipelineTask]
                public int Count([FromTask(nameof(Ingest))] Prices prices) => prices.Count;

                [PipelineTask(Trigger = TriggerRule.AllDone), DependsOn(nameof(Count), nameof(Ingest))]
                public static ValueTask Report(RunContext run) => default;

                [OnFailure(nameof(Ingest))]
                public void Failed(PipelineEvent failed) { }
            }
            """,
        Usings + """
            [Pipeline("lunch_bot", Schedule = "45 11 * * 1-5", TimeZone = "Europe/London")]
            public static partial class LunchBot
            {
                [PipelineTask, Condition]
                public static bool IsWorkday(RunContext run) => true;

                [PipelineTask, Branch(nameof(Poll), nameof(Remind)), DependsOn(nameof(IsWorkday))]
                public static string Choose() => nameof(Poll);

                [PipelineTask, DependsOn(nameof(Choose))]
                public static Task Poll(CancellationToken ct) => Task.CompletedTask;

                [PipelineTask, DependsOn("Choose")]
                public static void Remind() { }

                [PipelineTask(Trigger = TriggerRule.NoneFailed), DependsOn(nameof(Poll), nameof(Remind))]
                public static void Done() { }
            }
            """,
        Usings + """
            namespace Acme
            {
                public partial class Jobs
                {
                    [Pipeline("vendor_drop", Schedule = "@daily")]
                    public partial record VendorDrop
                    {
                        [PipelineTask, Sensor(PokeInterval = "00:01:00", Timeout = "02:00:00")]
                        public Task<bool> Arrived(CancellationToken ct) => Task.FromResult(true);

                        [PipelineTask(Pool = "db", PoolSlots = 1), DependsOn(nameof(Arrived))]
                        public IReadOnlyList<string> Load() => Array.Empty<string>();

                        [PipelineTask]
                        public void Publish([FromTask(nameof(Load))] IEnumerable<string> rows, RunContext run) { }
                    }
                }
            }
            """,
    };

    private static readonly string[] s_insertions =
    {
        "static", "async", "ref", "out", "in", "partial", "abstract", "dynamic", "null", "default", "default(string)", "void",
        "class", "return", "await", "var", "@class", "@checked", "Definition", "__PipelineDefinition", "?", "[", "]", "(", ")",
        ",", ";", "=", "\"", "nameof(", "Span<int>", "[PipelineTask]", "[DependsOn(null)]", "[FromTask(null)]", "[Branch(null)]", "<T>",
    };

    [Fact]
    public async Task Thousands_of_half_edited_pipelines_never_crash_hang_cascade_or_vanish_silently()
    {
        var mutants = Mutants(s_pipelines, Seed, Cases);

        var failures = new ConcurrentQueue<string>();
        var stopwatch = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        // Two workers: the cases are independent, and this machine has two cores.
        await Parallel.ForEachAsync(mutants, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (mutant, _) =>
        {
            if (failures.Count >= 5) return;
            var check = Task.Run(() => Check(mutant.Source));
            if (await Task.WhenAny(check, Task.Delay(s_perCase)) != check)
            {
                failures.Enqueue(Describe(mutant, $"did not finish within {s_perCase.TotalSeconds} s"));
                return;
            }
            var problem = await check;
            if (problem is not null) failures.Enqueue(Describe(mutant, problem));
        });
        stopwatch.Stop();
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        output.WriteLine($"{Cases} mutants of {s_pipelines.Length} pipelines, seed {Seed}: {stopwatch.Elapsed.TotalSeconds:F1} s, {cpu.TotalSeconds:F1} s of CPU");

        Assert.True(failures.IsEmpty, string.Join("\n\n", failures));
    }

    /// <summary>
    /// <paramref name="cases"/> mutants of <paramref name="pipelines"/>, the same for the same seed: each a random
    /// pipeline with one to three random edits. Also used by <see cref="SyntaxTaskReaderTests"/>.
    /// </summary>
    internal static List<(int Case, string Edits, string Source)> Mutants(string[] pipelines, int seed, int cases)
    {
        var random = new Random(seed);
        var mutants = new List<(int Case, string Edits, string Source)>(cases);
        for (var i = 0; i < cases; i++)
        {
            var source = pipelines[random.Next(pipelines.Length)];
            var edits = new List<string>();
            var count = 1 + random.Next(3);
            for (var e = 0; e < count; e++) source = Mutate(source, random, edits);
            mutants.Add((i, string.Join("; ", edits), source));
        }
        return mutants;
    }

    /// <summary>The pipelines the mutants start from.</summary>
    internal static string[] Pipelines => s_pipelines;

    private static string Describe((int Case, string Edits, string Source) mutant, string problem) =>
        $"Seed {Seed}, case {mutant.Case} ({mutant.Edits}): {problem}\n--- source ---\n{mutant.Source}\n--------------";

    /// <summary>Runs the generator and then the analyzer on the generator's output, as the IDE does; returns what went wrong, or null.</summary>
    private static async Task<string?> Check(string source)
    {
        // Derived from one empty compilation, so all cases share its bound references (binding them is most of the cost).
        var input = s_empty.Value.AddSyntaxTrees(CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions, path: "Source0.cs"));
        var (outputCompilation, run, generatorDiagnostics) = GeneratorHarness.Generate(input);

        if (run.Results.FirstOrDefault(r => r.Exception is not null).Exception is { } thrown) return $"the generator threw {thrown}";
        if (generatorDiagnostics.FirstOrDefault(d => d.Id is "CS8784" or "CS8785") is { } failed) return $"the generator failed: {failed}";

        var analyzerExceptions = new ConcurrentQueue<Exception>();
        var withAnalyzer = outputCompilation.WithAnalyzers(
            ImmutableArray.Create<DiagnosticAnalyzer>(new PipelineAnalyzer()),
            new CompilationWithAnalyzersOptions(new AnalyzerOptions(ImmutableArray<AdditionalText>.Empty), (ex, _, _) => analyzerExceptions.Enqueue(ex),
                concurrentAnalysis: false, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false));
        var all = await withAnalyzer.GetAllDiagnosticsAsync();
        if (analyzerExceptions.TryPeek(out var analyzerException)) return $"the analyzer threw {analyzerException}";
        if (all.FirstOrDefault(d => d.Id == "AD0001") is { } ad0001) return $"the analyzer failed: {ad0001}";

        var errors = all.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        var generatedTrees = outputCompilation.SyntaxTrees.Except(input.SyntaxTrees).ToHashSet();
        if (errors.FirstOrDefault(d => d.Location.SourceTree is { } tree && generatedTrees.Contains(tree)) is { } inGenerated)
            return $"error in generated code: {inGenerated}";

        // Generated code must not add errors to the user's code either (a member it declares twice, say). An error the
        // user's code already had at the same place may read differently once the generated members exist.
        if (generatedTrees.Count > 0 && errors.Any(d => d.Location.SourceTree is { } tree && !generatedTrees.Contains(tree) && !d.Id.StartsWith("PIPE", StringComparison.Ordinal)))
        {
            var before = input.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(Key).ToHashSet();
            if (errors.Where(d => !d.Id.StartsWith("PIPE", StringComparison.Ordinal)).FirstOrDefault(d => !before.Contains(Key(d))) is { } caused)
                return $"generated code caused an error in the user's code: {caused}";
        }

        return Vanished(input, outputCompilation, generatedTrees, errors);
    }

    private static string Key(Diagnostic d) => $"{d.Location.SourceTree?.FilePath}@{d.Location.SourceSpan}";

    /// <summary>
    /// A [Pipeline] class without generated code must show why: an error of ours, or the compiler's own error in the
    /// class (an unresolved type, a non-constant argument), which blocks generation until it is fixed.
    /// </summary>
    private static string? Vanished(Compilation input, Compilation output, HashSet<SyntaxTree> generatedTrees, List<Diagnostic> errors)
    {
        var tree = input.SyntaxTrees.Single();
        var model = input.GetSemanticModel(tree);
        foreach (var declaration in tree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>())
        {
            if (model.GetDeclaredSymbol(declaration) is not INamedTypeSymbol type) continue;
            if (!type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "Pipelines.PipelineAttribute")) continue;

            var generated = output.GetSemanticModel(tree).GetDeclaredSymbol(declaration) is INamedTypeSymbol outputType
                && outputType.GetMembers("Definition").Any(m => m.DeclaringSyntaxReferences.Any(r => generatedTrees.Contains(r.SyntaxTree)));
            if (generated) continue;

            var regions = Regions(declaration).ToList();
            var explained = errors.Any(d => d.Location.SourceTree == tree
                && regions.Any(r => r.Start <= d.Location.SourceSpan.Start && d.Location.SourceSpan.Start <= r.End));
            if (!explained) return $"pipeline class '{type.Name}' has no generated code and no error explains why";
        }
        return null;
    }

    /// <summary>
    /// Where an error explains a missing pipeline: anywhere in the class (a missing name is reported at the end of the
    /// class header, hence the inclusive ends), and in the heads of the namespaces and types around it.
    /// </summary>
    private static IEnumerable<TextSpan> Regions(TypeDeclarationSyntax declaration)
    {
        yield return declaration.FullSpan;
        foreach (var outer in declaration.Ancestors())
        {
            switch (outer)
            {
                case FileScopedNamespaceDeclarationSyntax fileScoped: yield return TextSpan.FromBounds(fileScoped.FullSpan.Start, fileScoped.SemicolonToken.FullSpan.End); break;
                case NamespaceDeclarationSyntax block: yield return TextSpan.FromBounds(block.FullSpan.Start, block.OpenBraceToken.FullSpan.End); break;
                case TypeDeclarationSyntax type: yield return TextSpan.FromBounds(type.FullSpan.Start, type.OpenBraceToken.FullSpan.End); break;
            }
        }
    }

    private static string Mutate(string source, Random random, List<string> edits)
    {
        var tokens = SyntaxFactory.ParseTokens(source).Where(t => !t.IsKind(SyntaxKind.EndOfFileToken)).ToList();
        if (tokens.Count == 0) return source;
        var token = tokens[random.Next(tokens.Count)];
        switch (random.Next(8))
        {
            case 0:
                edits.Add($"delete '{token.Text}'");
                return Replace(source, token.Span, "");
            case 1:
                edits.Add($"duplicate '{token.Text}'");
                return Replace(source, new TextSpan(token.Span.End, 0), " " + token.Text);
            case 2:
            {
                var at = random.Next(source.Length);
                edits.Add($"truncate at {at}");
                return source.Substring(0, at);
            }
            case 3:
            {
                var identifiers = tokens.Where(t => t.IsKind(SyntaxKind.IdentifierToken)).ToList();
                if (identifiers.Count < 2) return source;
                var a = identifiers[random.Next(identifiers.Count)];
                var b = identifiers[random.Next(identifiers.Count)];
                if (a.Span == b.Span) return source;
                edits.Add($"swap '{a.Text}' and '{b.Text}'");
                var (first, second) = a.SpanStart < b.SpanStart ? (a, b) : (b, a);
                return Replace(Replace(source, second.Span, first.Text), first.Span, second.Text);
            }
            case 4:
            {
                var inserted = s_insertions[random.Next(s_insertions.Length)];
                edits.Add($"insert '{inserted}' before '{token.Text}'");
                return Replace(source, new TextSpan(token.SpanStart, 0), inserted + " ");
            }
            case 5:
            {
                var braces = tokens.Where(t => t.IsKind(SyntaxKind.OpenBraceToken) || t.IsKind(SyntaxKind.CloseBraceToken)).ToList();
                if (braces.Count == 0) return source;
                var brace = braces[random.Next(braces.Count)];
                edits.Add($"drop '{brace.Text}' at {brace.SpanStart}");
                return Replace(source, brace.Span, "");
            }
            case 6:
            {
                // A task id becomes null, in the ways people write it.
                var ids = tokens.Where(t => t.IsKind(SyntaxKind.StringLiteralToken) || (t.IsKind(SyntaxKind.IdentifierToken) && t.Text == "nameof")).ToList();
                if (ids.Count == 0) return source;
                var id = ids[random.Next(ids.Count)];
                var replacement = random.Next(2) == 0 ? "null" : "default(string)";
                var span = id.IsKind(SyntaxKind.StringLiteralToken) ? id.Span : NameofSpan(source, id);
                edits.Add($"replace '{source.Substring(span.Start, span.Length)}' with {replacement}");
                return Replace(source, span, replacement);
            }
            default:
            {
                // An identifier renamed to a keyword or to a name the generator uses.
                var identifiers = tokens.Where(t => t.IsKind(SyntaxKind.IdentifierToken)).ToList();
                var name = identifiers[random.Next(identifiers.Count)];
                var renamed = new[] { "@class", "@checked", "@lock", "await", "var", "Definition", "__PipelineDefinition", "dynamic", "async" }[random.Next(9)];
                edits.Add($"rename '{name.Text}' to '{renamed}'");
                return Replace(source, name.Span, renamed);
            }
        }
    }

    /// <summary>The span of <c>nameof(...)</c> starting at the <c>nameof</c> token, up to its closing parenthesis.</summary>
    private static TextSpan NameofSpan(string source, SyntaxToken nameof)
    {
        var close = source.IndexOf(')', nameof.SpanStart);
        return close < 0 ? nameof.Span : TextSpan.FromBounds(nameof.SpanStart, close + 1);
    }

    private static string Replace(string source, TextSpan span, string text) =>
        new StringBuilder(source.Length + text.Length).Append(source, 0, span.Start).Append(text).Append(source, span.End, source.Length - span.End).ToString();
}
