using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Pipelines.Generators.Tests.Infrastructure;

/// <summary>Compiles test sources against the real Pipelines assembly and runs the real generator and analyzer on them.</summary>
internal static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(LoadReferences);

    public static CSharpParseOptions ParseOptions { get; } = new(LanguageVersion.Latest);

    public static CSharpCompilation Compile(params string[] sources) => Compile(sources.Select((s, i) => ($"Source{i}.cs", s)).ToArray());

    public static CSharpCompilation Compile(params (string Path, string Source)[] sources) =>
        CSharpCompilation.Create(
            "UserPipelines",
            sources.Select(s => CSharpSyntaxTree.ParseText(s.Source, ParseOptions, path: s.Path)),
            s_references.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            new[] { new PipelineGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator; returns the output compilation and the run result.</summary>
    public static (Compilation Output, GeneratorDriverRunResult Result, ImmutableArray<Diagnostic> GeneratorDiagnostics) Generate(Compilation compilation)
    {
        var driver = CreateDriver().RunGeneratorsAndUpdateCompilation(compilation, out var output, out var diagnostics);
        return (output, driver.GetRunResult(), diagnostics);
    }

    /// <summary>Runs the analyzer over the compilation (as the IDE would, with the generator's output included) and returns its diagnostics, sorted by position.</summary>
    public static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Compilation compilation)
    {
        var withAnalyzer = compilation.WithAnalyzers(
            ImmutableArray.Create<DiagnosticAnalyzer>(new PipelineAnalyzer()),
            new CompilationWithAnalyzersOptions(AnalyzerOptions(), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: false));
        var all = await withAnalyzer.GetAllDiagnosticsAsync();
        return all.OrderBy(d => d.Location.SourceTree?.FilePath, StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start).ToImmutableArray();
    }

    /// <summary>Generator, then compiler and analyzer: everything a build reports, in position order.</summary>
    public static async Task<BuildResult> BuildAsync(params string[] sources)
    {
        var compilation = Compile(sources);
        var (output, result, generatorDiagnostics) = Generate(compilation);
        var analyzed = await AnalyzeAsync(output);
        return new BuildResult(compilation, output, result, generatorDiagnostics, analyzed);
    }

    private static AnalyzerOptions AnalyzerOptions() => new(ImmutableArray<AdditionalText>.Empty);

    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is var name
                && (name.StartsWith("System.", StringComparison.Ordinal) || name is "mscorlib.dll" or "netstandard.dll" or "Microsoft.CSharp.dll"))
            .ToList();
        foreach (var assembly in new[]
        {
            typeof(PipelineAttribute).Assembly,
            typeof(NodaTime.LocalDate).Assembly,
            typeof(Microsoft.Extensions.Logging.ILogger).Assembly,
            typeof(Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions).Assembly,
            typeof(Cronos.CronExpression).Assembly,
        })
        {
            paths.Add(assembly.Location);
        }
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    }
}

internal sealed record BuildResult(
    Compilation Input,
    Compilation Output,
    GeneratorDriverRunResult Run,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>Diagnostics at warning or error level, excluding hidden and info ones.</summary>
    public ImmutableArray<Diagnostic> Problems => Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray();

    public ImmutableArray<Diagnostic> Ours => Diagnostics.Where(d => d.Id.StartsWith("PIPE", StringComparison.Ordinal)).ToImmutableArray();

    public ImmutableArray<GeneratedSourceResult> Generated => Run.Results.SelectMany(r => r.GeneratedSources).ToImmutableArray();

    public string? SourceFor(string hintSuffix) => Generated.FirstOrDefault(g => g.HintName.EndsWith(hintSuffix, StringComparison.Ordinal)).SourceText?.ToString();
}
