using System.Collections.Immutable;
using System.Diagnostics;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Pipelines.Generators;

namespace Pipelines.Benchmarks.Generator;

/// <summary>
/// What the IDE and the build pay for our generator and analyzer on a large pipeline (issue 16, "Speed"): a cold generator
/// run, the analyzer, the generator again after an edit elsewhere, and compiling the generated code. Each figure is
/// the median of several rounds on a fresh clone of the compilation (new symbols, so nothing is bound already), next to
/// the baseline it is judged against: a bare <c>ForAttributeWithMetadataName</c> pass, an analyzer that does nothing
/// with the same symbols, and the user's code compiled without the generated file.
/// </summary>
/// <remarks>
/// Server garbage collection, as the compiler server's runtimeconfig.json sets (<see cref="Program"/> starts this
/// benchmark in a process of its own with it), and the generator's and the compiler's code already compiled by the JIT
/// and tiered up, as in the compiler server after its first builds or a long-lived IDE process: <see cref="WarmUpRounds"/>
/// uncounted rounds first (the SDK's own ReportAnalyzer figures agree from the server's fourth build; a fresh compiler
/// process pays about the first run's figure, printed beside the cold one). "Cold" means the
/// compilation's symbols, not the JIT: with one warm-up round, most of a 2,000-task pipeline's figure was code running
/// before it was optimised (our parser's share, <c>PipelineParser.Parse</c>, fell from about 90 ms to 10-20 ms over the first twenty rounds).
/// </remarks>
public static class GeneratorBenchmark
{
    private static readonly CSharpParseOptions s_parseOptions = new(LanguageVersion.Latest);

    /// <summary>Uncounted rounds before each figure but the compile's (a second each, with one warm-up), so that it measures optimised code.</summary>
    public const int WarmUpRounds = 20;

    /// <summary>Edits per after-an-edit figure: each costs well under a millisecond, so a median of a few swings 1-3x.</summary>
    public const int Edits = 101;

    private static bool s_firstRun = true;

    public static async Task<int> RunAsync(int rounds)
    {
        Console.WriteLine($"Pipelines generator benchmark: median of {rounds} rounds ({Edits} edits for the figures after an edit) after {WarmUpRounds} warm-up rounds, step tracking off in timed runs, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        if (!System.Runtime.GCSettings.IsServerGC) Console.WriteLine("warning: the runtime did not take server GC (one CPU?), so these figures are workstation GC's");
        Console.WriteLine();
        await MeasureAsync("dense: 2,000 tasks, ~20,000 [DependsOn(nameof(...))] edges", Dense(2_000), rounds);
        await MeasureAsync("chain: 10,000 tasks", Chain(10_000), rounds);
        await MeasureAsync("dense with settings: the dense pipeline, each task with six [PipelineTask(...)] settings, the run context and a typed input", Dense(2_000, withSettings: true), rounds);
        return 0;
    }

    private static async Task MeasureAsync(string name, string source, int rounds)
    {
        Console.WriteLine(name);
        var compilation = CSharpCompilation.Create(
            "UserPipelines",
            [
                CSharpSyntaxTree.ParseText(source, s_parseOptions, path: "Pipeline.cs"),
                CSharpSyntaxTree.ParseText(Unrelated(0), s_parseOptions, path: "Unrelated.cs"),
            ],
            References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

        var bare = Median(rounds, () => Time(() => Driver(new BareGenerator()).RunGenerators(compilation.Clone())), WarmUpRounds);
        // A build soon after the compiler server started (or every build without one) runs our generator before the JIT
        // has optimised it: the first run in this process says what that costs, once, at the most (this compiler is
        // NuGet's copy, which is not precompiled as the SDK's is; the bare pass above has warmed only what it uses).
        var first = s_firstRun ? Time(() => Driver(new PipelineGenerator()).RunGenerators(compilation.Clone())) : (TimeSpan?)null;
        s_firstRun = false;
        var generator = Median(rounds, () => Time(() => Driver(new PipelineGenerator()).RunGenerators(compilation.Clone())), WarmUpRounds);
        Report("generator, cold", generator, "bare ForAttributeWithMetadataName pass", bare);
        if (first is { } firstTime) Console.WriteLine($"  {"",-50} the first run in this process, before the JIT optimised it: {Ms(firstTime)}");

        // In turns, after the warm-up rounds of each: measured one after the other, the first paid for the compiler's binding
        // code being jitted and tiered up (the generator no longer binds the tasks' attributes, so nothing before it warms them).
        var (emptyAnalyzer, analyzer) = await MedianInTurnsAsync(rounds, WarmUpRounds,
            () => TimeAsync(() => Analyze(compilation.Clone(), new EmptyAnalyzer())),
            () => TimeAsync(() => Analyze(compilation.Clone(), new PipelineAnalyzer())));
        Report("analyzer (all diagnostics, compiler's included)", analyzer, "an analyzer doing nothing on the same symbols", emptyAnalyzer);

        // A body edit in another file (most keystrokes), and a declaration edit there (a new method in a class the pipeline
        // never names: the first such edit finds the names the model reaches, later ones compare with them).
        var edits = AfterUnrelatedEdits(compilation, Unrelated);
        Report("generator after an unrelated edit", edits.Ours, "bare pass after the same edit", edits.Bare);
        Console.WriteLine($"  {"",-50} step reasons after the edit: {edits.Reasons}");
        var declarations = AfterUnrelatedEdits(compilation, UnrelatedDeclaration);
        Report("... after a declaration edit in another file", declarations.Ours, "bare pass after the same edit", declarations.Bare);
        Console.WriteLine($"  {"",-50} the first such edit, which finds the names the model reaches: {Ms(declarations.First)}");
        Console.WriteLine($"  {"",-50} step reasons after the edit: {declarations.Reasons}");

        Driver(new PipelineGenerator()).RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var userOnly = Median(rounds, () => Time(() => Emit(compilation.Clone())));
        var withGenerated = Median(rounds, () => Time(() => Emit(output.Clone())));
        Report("compile with the generated code", withGenerated, "user code alone", userOnly);
        Console.WriteLine();
    }

    private static void Report(string what, TimeSpan value, string baseline, TimeSpan baselineValue) =>
        Console.WriteLine($"  {what,-50} {Ms(value),10}   {baseline}: {Ms(baselineValue)} ({value.TotalMilliseconds / Math.Max(baselineValue.TotalMilliseconds, 0.001):0.0}x)");

    private static string Ms(TimeSpan value) => value.TotalMilliseconds < 10 ? $"{value.TotalMilliseconds:0.00} ms" : $"{value.TotalMilliseconds:0} ms";

    /// <summary>
    /// Runs our generator and the bare one once, then times each after every one of <see cref="Edits"/> edits to another
    /// file, taking turns on the same compilations (so both see the same process state: a baseline measured on its own,
    /// earlier or later, read up to twice as fast or slow); our first edit's time is also returned on its own. Before
    /// that, <see cref="WarmUpRounds"/> uncounted edits on drivers of their own.
    /// </summary>
    private static (TimeSpan Ours, TimeSpan Bare, string Reasons, TimeSpan First) AfterUnrelatedEdits(Compilation compilation, Func<int, string> unrelated)
    {
        Edit(compilation, WarmUpRounds, unrelated);
        return Edit(compilation, Edits, unrelated);
    }

    private static (TimeSpan Ours, TimeSpan Bare, string Reasons, TimeSpan First) Edit(Compilation compilation, int rounds, Func<int, string> unrelated)
    {
        var ours = Driver(new PipelineGenerator()).RunGenerators(compilation);
        var bare = Driver(new BareGenerator()).RunGenerators(compilation);
        // Each driver edits a compilation of its own: on a shared one, whichever ran first paid its one-time setup.
        // Step tracking costs each node an allocation or two, and ours has more nodes than the bare pass: the timed drivers
        // run without it, as the compiler's do, and an untimed tracked driver beside them reports the step reasons.
        var tracked = Driver(new PipelineGenerator(), trackSteps: true).RunGenerators(compilation);
        var (ourCompilation, bareCompilation) = (compilation, compilation);
        var ourTimes = new List<TimeSpan>();
        var bareTimes = new List<TimeSpan>();
        var reasons = new SortedSet<string>(StringComparer.Ordinal);
        for (var round = 1; round <= rounds; round++)
        {
            ourCompilation = Edited(ourCompilation, unrelated(round));
            bareCompilation = Edited(bareCompilation, unrelated(round));
            var (ourNext, bareNext) = (ourCompilation, bareCompilation);
            if (round % 2 == 0) bareTimes.Add(Time(() => bare = bare.RunGenerators(bareNext)));
            ourTimes.Add(Time(() => ours = ours.RunGenerators(ourNext)));
            if (round % 2 == 1) bareTimes.Add(Time(() => bare = bare.RunGenerators(bareNext)));
            tracked = tracked.RunGenerators(ourNext);
            foreach (var step in tracked.GetRunResult().Results.SelectMany(r => r.TrackedSteps))
            {
                if (step.Key.StartsWith("Pipeline", StringComparison.Ordinal) || step.Key.StartsWith("Valid", StringComparison.Ordinal) || step.Key.StartsWith("Declar", StringComparison.Ordinal))
                    reasons.UnionWith(step.Value.SelectMany(s => s.Outputs).Select(o => $"{step.Key}:{o.Reason}"));
            }
        }
        var first = ourTimes[0];
        return (Median(ourTimes), Median(bareTimes), string.Join(", ", reasons), first);
    }

    private static Compilation Edited(Compilation compilation, string unrelated) =>
        compilation.ReplaceSyntaxTree(compilation.SyntaxTrees.Single(t => t.FilePath == "Unrelated.cs"), CSharpSyntaxTree.ParseText(unrelated, s_parseOptions, path: "Unrelated.cs"));

    private static GeneratorDriver Driver(IIncrementalGenerator generator, bool trackSteps = false) =>
        CSharpGeneratorDriver.Create([generator.AsSourceGenerator()], parseOptions: s_parseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    private static async Task Analyze(Compilation compilation, DiagnosticAnalyzer analyzer)
    {
        var options = new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false);
        await compilation.WithAnalyzers([analyzer], options).GetAllDiagnosticsAsync();
    }

    private static void Emit(Compilation compilation)
    {
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success) throw new InvalidOperationException("the benchmark's pipeline does not compile: " + result.Diagnostics.First(d => d.Severity == DiagnosticSeverity.Error));
    }

    private static TimeSpan Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed;
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        await action();
        return watch.Elapsed;
    }

    /// <summary><paramref name="warmUps"/> uncounted rounds, then the median of <paramref name="rounds"/>.</summary>
    private static TimeSpan Median(int rounds, Func<TimeSpan> measure, int warmUps = 1)
    {
        for (var i = 0; i < warmUps; i++) measure();
        return Median(Enumerable.Range(0, rounds).Select(_ => measure()).ToList());
    }

    /// <summary><paramref name="warmUps"/> uncounted rounds of each, then <paramref name="rounds"/> rounds taking turns; the median of each.</summary>
    private static async Task<(TimeSpan First, TimeSpan Second)> MedianInTurnsAsync(int rounds, int warmUps, Func<Task<TimeSpan>> first, Func<Task<TimeSpan>> second)
    {
        for (var i = 0; i < warmUps; i++)
        {
            await first();
            await second();
        }
        var firstTimes = new List<TimeSpan>();
        var secondTimes = new List<TimeSpan>();
        for (var i = 0; i < rounds; i++)
        {
            firstTimes.Add(await first());
            secondTimes.Add(await second());
        }
        return (Median(firstTimes), Median(secondTimes));
    }

    private static TimeSpan Median(List<TimeSpan> times)
    {
        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>
    /// Each task depends on up to eleven earlier ones, spread out so the graph is wide as well as deep (as in ScaleTests);
    /// <paramref name="withSettings"/> gives each task the settings a production task has (retries, delays, queue, pool)
    /// and the run context, the cancellation token and its nearest upstream's output as parameters.
    /// </summary>
    private static string Dense(int tasks, bool withSettings = false)
    {
        var source = new StringBuilder(withSettings ? "using Pipelines;\n[assembly: Pool(\"db\", Slots = 8)]\n" : "using Pipelines;\n");
        source.Append("namespace Bench;\n[Pipeline(\"dense\")]\npublic partial class Dense\n{\n");
        for (var i = 0; i < tasks; i++)
        {
            var upstream = Enumerable.Range(1, 11).Select(k => i - k * k).Where(u => u >= 0).Select(u => $"nameof(T{u})").ToList();
            var task = withSettings
                ? $"PipelineTask(Retries = {i % 4}, RetryDelay = \"00:0{i % 10}:30\", RetryExponentialBackoff = true, Timeout = \"01:00:00\", Queue = \"etl\", Pool = \"db\")"
                : "PipelineTask";
            if (withSettings)
            {
                // The run context, the token, and the nearest upstream's output as a typed input.
                var input = upstream.Count == 0 ? "" : $", [FromTask({upstream[0]})] int input";
                source.Append(upstream.Count == 0
                    ? $"    [{task}] public static int T{i}(RunContext run, System.Threading.CancellationToken ct) => 1;\n"
                    : $"    [{task}, DependsOn({string.Join(", ", upstream)})] public static int T{i}(RunContext run, System.Threading.CancellationToken ct{input}) => input;\n");
                continue;
            }
            source.Append(upstream.Count == 0
                ? $"    [{task}] public static void T{i}() {{ }}\n"
                : $"    [{task}, DependsOn({string.Join(", ", upstream)})] public static void T{i}() {{ }}\n");
        }
        return source.Append("}\n").ToString();
    }

    private static string Chain(int tasks)
    {
        var source = new StringBuilder("using Pipelines;\nnamespace Bench;\n[Pipeline(\"chain\")]\npublic partial class Chain\n{\n    [PipelineTask] public static void T0() { }\n");
        for (var i = 1; i < tasks; i++) source.Append($"    [PipelineTask, DependsOn(nameof(T{i - 1}))] public static void T{i}() {{ }}\n");
        return source.Append("}\n").ToString();
    }

    private static string Unrelated(int edit) => $"namespace Bench;\npublic static class Unrelated\n{{\n    public static int Value() => {edit};\n}}\n";

    private static string UnrelatedDeclaration(int edit) => $"namespace Bench;\npublic static class Unrelated\n{{\n    public static int Value{edit}() => 0;\n}}\n";

    private static ImmutableArray<MetadataReference> References()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p) is var name
                && (name.StartsWith("System.", StringComparison.Ordinal) || name is "mscorlib.dll" or "netstandard.dll"))
            .ToList();
        paths.Add(typeof(PipelineDefinition).Assembly.Location);
        paths.Add(typeof(NodaTime.LocalDate).Assembly.Location);
        paths.Add(typeof(Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions).Assembly.Location);
        paths.Add(typeof(Microsoft.Extensions.DependencyInjection.IServiceCollection).Assembly.Location);
        return [.. paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }

    /// <summary>The least an incremental generator finding [Pipeline] classes can do: the baseline of issue 16's goals.</summary>
    private sealed class BareGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var names = context.SyntaxProvider
                .ForAttributeWithMetadataName("Pipelines.PipelineAttribute", static (_, _) => true, static (c, _) => c.TargetSymbol.Name)
                .WithTrackingName("PipelineModels");
            context.RegisterSourceOutput(names, static (_, _) => { });
        }
    }

    /// <summary>An analyzer that asks for the same symbols as ours and does nothing: what the compiler costs anyway.</summary>
    // A baseline run in this process only, never loaded by a compiler: the rules for shipped analyzers do not apply.
#pragma warning disable RS1036, RS1041
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    private sealed class EmptyAnalyzer : DiagnosticAnalyzer
#pragma warning restore RS1036, RS1041
    {
#pragma warning disable RS2008 // a benchmark baseline, never shipped: no release tracking
        private static readonly DiagnosticDescriptor s_unused = new("BENCH001", "unused", "unused", "Benchmark", DiagnosticSeverity.Hidden, isEnabledByDefault: false);
#pragma warning restore RS2008

        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => [s_unused];

        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterSymbolAction(_ => { }, SymbolKind.NamedType, SymbolKind.Method);
        }
    }
}
