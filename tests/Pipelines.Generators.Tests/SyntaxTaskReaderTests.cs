using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Pipelines.Generators.Parsing;
using Pipelines.Generators.Tests.Infrastructure;

namespace Pipelines.Generators.Tests;

/// <summary>
/// The parser reads simple task methods (<c>[PipelineTask]</c> without arguments or with settings of literal values,
/// <c>[DependsOn]</c> of string literals and <c>nameof</c>) from syntax instead of binding their attributes (issue 16). It must give exactly what binding gives:
/// the same model, the same diagnostics at the same places, the same locations for the analyzer's graph diagnostics.
/// Each case here is parsed both ways, each on its own fresh compilation, and compared.
/// </summary>
public sealed class SyntaxTaskReaderTests
{
    private const string Usings = "using System; using System.Threading.Tasks; using Pipelines;\n";

    /// <summary>Simple tasks, tasks that must fall back, and names that mean something else than they seem.</summary>
    public static TheoryData<string, string> Cases() => new()
    {
        { "plain", Usings + """
            namespace N;
            [Pipeline("p")]
            public partial class P
            {
                [PipelineTask] public static void A() { }
                [PipelineTask, DependsOn(nameof(A))] public static void B() { }
                [PipelineTask]
                [DependsOn("A", "B")]
                [DependsOn(nameof(B))]
                public static void C() { }
                [PipelineTaskAttribute(), DependsOnAttribute("C", @"B", "\u0041")] public static void D() { }
                [PipelineTask, DependsOn(nameof(D), "Nope", "D")] public void E() { }
                [PipelineTask, DependsOn("E")] public static void E2() { }
                [PipelineTask, DependsOn(nameof(E))] public static void F() { }
            }
            """ },
        { "graph errors", Usings + """
            [Pipeline("p")]
            public partial class P
            {
                [PipelineTask, DependsOn(nameof(C))] public static void A() { }
                [PipelineTask, DependsOn(nameof(A))] public static void B() { }
                [PipelineTask, DependsOn(nameof(B), nameof(C))] public static void C() { }
                [PipelineTask, DependsOn("a")] public static void D() { }
                [PipelineTask] public static void D2() { }
                [PipelineTask] public static int D2(int x) => x;
            }
            """ },
        { "fall back", Usings + """"
            [Pipeline("p")]
            public partial class P
            {
                [PipelineTask(Trigger = (TriggerRule)1)] public static void A() { }
                [PipelineTask, DependsOn(new[] { nameof(A) })] public static void B() { }
                [PipelineTask, DependsOn(null)] public static void C() { }
                [PipelineTask, DependsOn((string)null)] public static void C2() { }
                [PipelineTask, DependsOn(nameof(P.A))] public static void D() { }
                [PipelineTask, DependsOn("A" + "")] public static void E() { }
                [PipelineTask, DependsOn($"A")] public static void F() { }
                [PipelineTask, DependsOn(X)] public static void G() { }
                [PipelineTask, DependsOn(nameof(X))] public static void H() { }
                [PipelineTask, DependsOn(nameof(Missing))] public static void I() { }
                [PipelineTask, DependsOn(nameof(String))] public static void J() { }
                [PipelineTask, Obsolete] public static void K() { }
                [PipelineTask, PipelineTask] public static void L() { }
                [return: DependsOn("A")] [PipelineTask] public static void M() { }
                [PipelineTask, DependsOn(nameof(A))] public static void N<T>() { }
                [PipelineTask, DependsOn(nameof(A))] public static void O(RunContext run) { }
                [PipelineTask, Condition] public static bool Q() => true;
                [PipelineTask, Branch(nameof(A))] public static string R() => "A";
                [PipelineTask, Sensor] public static bool S() => true;
                [PipelineTask, Produces("x.y")] public static void T() { }
                [PipelineTask, OnFailure(nameof(A))] public static void U() { }
                [PipelineTask, DependsOn(taskIds: "A")] public static void V() { }
                [PipelineTask, DependsOn("\q")] public static void W() { }
                [PipelineTask, DependsOn(""" A """)] public static void Y() { }
                [@PipelineTask] public static void Z() { }
                [Pipelines.PipelineTask] public static void Z2() { }
                [PipelineTask, DependsOn(nameof(Value))] public static void Z3() { }
                public const string X = "A";
                public static int Value => 1;
                [DependsOn(nameof(A))] public static void NotATask() { }
                [PipelineTask] partial void Part();
                [PipelineTask] static async void Async() { }
                [PipelineTask] public abstract void Abstract();
            }
            """" },
        { "names that mean something else", Usings + """
            namespace Elsewhere { public sealed class DependsOnAttribute : Attribute { public DependsOnAttribute(params string[] ids) { } } }
            namespace N
            {
                using DependsOn = Elsewhere.DependsOnAttribute;
                [Pipeline("p")]
                public partial class P
                {
                    [PipelineTask] public static void A() { }
                    [PipelineTask, DependsOn(nameof(A))] public static void B() { }
                    [PipelineTask, Pipelines.DependsOn(nameof(A))] public static void C() { }
                }
            }
            namespace M
            {
                [Pipeline("q")]
                public partial class Q
                {
                    public sealed class PipelineTaskAttribute : Attribute { }
                    [PipelineTask] public static void A() { }
                    [Pipelines.PipelineTask, DependsOn(nameof(A))] public static void B() { }
                }
                [Pipeline("r")]
                public partial class R
                {
                    public static string nameof(object x) => "A";
                    [PipelineTask] public static void A() { }
                    [PipelineTask, DependsOn(nameof(A))] public static void B() { }
                }
                public class Base { public static void A() { } public static void Inherited() { } }
                [Pipeline("s")]
                public partial class S : Base
                {
                    [PipelineTask] public static new void A() { }
                    [PipelineTask, DependsOn(nameof(A), nameof(Inherited))] public static void B() { }
                    public sealed class DependsOn { }
                    [PipelineTask, Pipelines.DependsOn(nameof(A))] public static void C() { }
                }
            }
            """ },
        { "partial class in two files", Usings + """
            namespace N;
            [Pipeline("p")]
            public partial class P
            {
                [PipelineTask] public static void A() { }
                [PipelineTask, DependsOn(nameof(B))] public static void C() { }
            }
            //--- second file
            namespace N;
            using DependsOn = System.ObsoleteAttribute;
            public partial class P
            {
                [Pipelines.PipelineTask, Pipelines.DependsOn(nameof(A))] public static void B() { }
                [Pipelines.PipelineTask, DependsOn("D")] public static void D() { }
            }
            """ },
        { "generic and static", Usings + """
            [Pipeline("g")]
            public partial class G<T>
            {
                [PipelineTask] public static void A() { }
                [PipelineTask, DependsOn(nameof(A))] public static void B() { }
            }
            [Pipeline("s")]
            public static partial class S
            {
                [PipelineTask] public static void A() { }
                [PipelineTask, DependsOn(nameof(A), "A")] public static void B() { }
                [PipelineTask, DependsOn("S")] public static void C() { }
            }
            """ },
        // [PipelineTask] settings of literal values are read from syntax; each line draws the settings' own diagnostics.
        { "settings", Usings + """
            [assembly: Pool("db", Slots = 4)]
            namespace N;
            [Pipeline("p", TimeZone = "America/New_York")]
            public partial class P
            {
                [PipelineTask(Retries = 3, RetryDelay = "00:00:30", RetryExponentialBackoff = true, MaxRetryDelay = "00:10:00", Timeout = "01:00:00",
                    Queue = "etl", PriorityWeight = 5, MaxActiveTries = 2, DependsOnPast = true, WaitForDownstream = false)] public static void A() { }
                [PipelineTask(Retries = -1, PriorityWeight = 0, PoolSlots = 0, MaxActiveTries = -2)] public static void B() { }
                [PipelineTask(RetryDelay = "5", Timeout = "-00:01:00", MaxRetryDelay = "00:00:00")] public static void C() { }
                [PipelineTask(RetryDelay = "00:05:00", MaxRetryDelay = "00:01:00"), DependsOn(nameof(A))] public static void D() { }
                [PipelineTask(Queue = "Bad Queue!")] public static void E() { }
                [PipelineTask(Pool = "dbb", PoolSlots = 2)] public static void F() { }
                [PipelineTask(PoolSlots = 9, Pool = "db")] public static void G() { }
                [PipelineTask(MaxMapLength = 5)] public static void H() { }
                [PipelineTask(Deadline = "nonsense"), DependsOn("A")] public static void I() { }
                [PipelineTask(Deadline = "18:00"), DependsOn(nameof(I))] public void J() { }
                [PipelineTask(WaitForDownstream = true, Pool = "db", Retries = 0x10, Queue = @"etl")] public static void K() { }
                [PipelineTaskAttribute(Retries = 1)] [DependsOn("K")] public static void L() { }
                [PipelineTask(Trigger = TriggerRule.AllDone, WeightRule = PriorityWeightRule.Upstream), DependsOn(nameof(L))] public static void M() { }
            }
            """ },
        // Tasks with parameters: their method attributes are read from syntax; nameof may name a parameter (C# 11).
        { "parameters", Usings + """
            using System.Collections.Generic;
            using System.Threading;
            [Pipeline("p")]
            public partial class P
            {
                [PipelineTask] public static int A() => 1;
                [PipelineTask] public static List<int> L() => new();
                [PipelineTask(Retries = 2), DependsOn(nameof(A))] public static int B(RunContext run, CancellationToken ct, [FromTask(nameof(A))] int a) => a;
                [PipelineTask, DependsOn(nameof(A))] public static int C(int A) => A;
                [PipelineTask, DependsOn(nameof(a))] public static int D([FromTask(nameof(A))] int a) => a;
                [PipelineTask, DependsOn(nameof(B))] public static string E([FromTask(nameof(B))] string b) => b;
                [PipelineTask, DependsOn(nameof(A))] public static void F(ref int x) { }
                [PipelineTask, DependsOn(nameof(A))] public static void G(Missing m) { }
                [PipelineTask, DependsOn(nameof(L))] public static int H([MapOver] [FromTask(nameof(L))] int item) => item;
                [PipelineTask, DependsOn(nameof(A))] public static void I(params int[] rest) { }
                [PipelineTask, DependsOn("A")] public Task J(RunContext run, int x = 3) => Task.CompletedTask;
                [PipelineTask, DependsOn(nameof(A))] public static void K(int nameof) { }
                [PipelineTask, DependsOn(nameof(A), nameof(L))] public static int M([FromTask("A")] long wide, [FromTask(nameof(L))] IReadOnlyList<int> all) => 0;
                [PipelineTask, DependsOn(nameof(A))] public static int N([FromTask(nameof(A))] string wrong) => 0;
                [PipelineTask, DependsOn(nameof(J))] public static int O([FromTask(nameof(J))] int nothing) => 0;
                [PipelineTask, DependsOn(nameof(H))] public static int Q([FromTask(nameof(H))] List<int> reduced) => 0;
                [PipelineTask, DependsOn(nameof(H))] public static int R([FromTask(nameof(H))] int notAList) => 0;
                [PipelineTask, DependsOn(nameof(A))] public static int S([FromTask(null)] int a) => 0;
                [PipelineTask, DependsOn(nameof(A))] public static int T([FromTask(nameof(A)), FromTask(nameof(A))] int a) => 0;
                [PipelineTask, DependsOn(nameof(A))] public static int U([FromTask(nameof(A))] [Obsolete] int a) => 0;
                [PipelineTask, DependsOn(nameof(A))] public static int V([FromTask(nameof(Nope))] int a, [FromTask("a")] int b) => 0;
                [PipelineTask, DependsOn(nameof(A))] public static int W([FromTask(nameof(A))] Action a) => 0;
                [PipelineTask, DependsOn(nameof(A))] public static int X([param: FromTask(nameof(A))] int a) => 0;
                [PipelineTask, DependsOn(nameof(A))] public static int Y([FromTaskAttribute(nameof(A))] int a, [FromTask(nameof(a))] int c) => 0;
                [PipelineTask, DependsOn(nameof(L))] public static int Z([MapOver(nameof(L))] int item, [FromTask(nameof(A))] int a) => 0;
            }
            """ },
        { "settings fall back", Usings + """
            public static class Limits { public const int Retries = 2; }
            [Pipeline("p")]
            public partial class P
            {
                [PipelineTask(Retries = Limits.Retries)] public static void A() { }
                [PipelineTask(Retries = 'a')] public static void B() { }
                [PipelineTask(Retries = 3L)] public static void C() { }
                [PipelineTask(Retries = (3))] public static void D() { }
                [PipelineTask(Retries = +3)] public static void E() { }
                [PipelineTask(Retries = 1, Retries = 2)] public static void F() { }
                [PipelineTask(Queue = null)] public static void G() { }
                [PipelineTask(Queue = "a" + "b")] public static void H() { }
                [PipelineTask(Queue = $"etl")] public static void I() { }
                [PipelineTask(Queue = nameof(I))] public static void J() { }
                [PipelineTask(Retries = "3")] public static void K() { }
                [PipelineTask(Nope = 1)] public static void L() { }
                [PipelineTask(TypeId = 1)] public static void M() { }
                [PipelineTask(WeightRule = PriorityWeightRule.Upstream)] public static void N() { }
                [PipelineTask(@Retries = 1)] public static void O() { }
                [PipelineTask(DependsOnPast = 1 == 1)] public static void Q() { }
                [PipelineTask(Retries: 1)] public static void R() { }
                [PipelineTask(1)] public static void S() { }
                [PipelineTask(Retries = 2147483648)] public static void T() { }
                [PipelineTask(Retries = -2147483648)] public static void U() { }
                [PipelineTask(Retries = 1,)] public static void V() { }
                [PipelineTask(Retries = 2)] public static void W() { }
                [PipelineTask(Trigger = Pipelines.TriggerRule.AllDone)] public static void X() { }
                [PipelineTask(Trigger = (TriggerRule)3)] public static void Y() { }
                [PipelineTask(Trigger = TriggerRule.Nope)] public static void Z() { }
                [PipelineTask(Trigger = (TriggerRule)99)] public static void Z2() { }
            }
            [Pipeline("shadow")]
            public partial class Shadow
            {
                public static int TriggerRule => 0;
                [PipelineTask(Trigger = TriggerRule.AllDone)] public static void A() { }
            }
            """ },
        // nameof of an accessor or operator is an error (CS0571) whose value Roslyn 4.8 drops: left to binding.
        { "accessors", Usings + AccessorsSource },
    };

    private const string AccessorsSource = """
        namespace N;
        [Pipeline("acc")]
        public partial record P
        {
            public int Count => 0;
            public static P operator +(P a, P b) => a;
            [PipelineTask] public static void A() { }
            [PipelineTask, DependsOn("A", nameof(get_Count))] public static void B() { }
            [PipelineTask, DependsOn(nameof(op_Addition))] public static void C() { }
            [PipelineTask, DependsOn(nameof(A))] public static void D() { }
        }
        """;

    [Theory]
    [MemberData(nameof(Cases))]
    public void Reading_tasks_from_syntax_gives_what_binding_gives(string name, string source)
    {
        var sources = source.Split("//--- second file\n");
        var compared = Compare(sources);
        Assert.True(compared.Problems.Count == 0, $"{name}:\n{string.Join("\n", compared.Problems)}");
        Assert.True(compared.Pipelines > 0, $"{name}: no pipeline was parsed");
    }

    [Fact]
    public void Simple_tasks_are_read_from_syntax_and_others_are_not()
    {
        var cases = Cases().ToList();
        Assert.Equal(["A", "B", "C", "D", "E", "E2", "F"], ReadFromSyntax((string)cases[0][1]));
        // Of the "fall back" tasks only those whose problems are in the method, not its attributes, are read from syntax.
        Assert.Equal(["O", "Async", "Abstract"], ReadFromSyntax((string)cases[2][1]));
        // With parameters: all but D, whose nameof names a parameter that is no member (binding gives its name; the reader
        // leaves it), and K, with a parameter named nameof. Their inputs too where each parameter has no attributes or
        // only [FromTask] of a literal or nameof of a member: not H and Z ([MapOver]), S (null), T and U (two
        // attributes), V (nameof of no member), X (a target), Y (nameof of a parameter).
        var parametersCase = (string)cases.Single(c => (string)c[0] == "parameters")[1];
        Assert.Equal(["A", "L", "B", "C", "E", "F", "G", "H", "I", "J", "M", "N", "O", "Q", "R", "S", "T", "U", "V", "W", "X", "Y", "Z"], ReadFromSyntax(parametersCase));
        Assert.Equal(["A", "L", "B", "C", "E", "F", "G", "I", "J", "M", "N", "O", "Q", "R", "W"], ReadFromSyntax(parametersCase, inputs: true));
        Assert.Equal(["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "K", "L", "M"], ReadFromSyntax((string)cases.Single(c => (string)c[0] == "settings")[1]));
        Assert.Equal(["N", "W"], ReadFromSyntax((string)cases.Single(c => (string)c[0] == "settings fall back")[1]));
        // The settings case is checked, not just read: its diagnostics, from syntax (the comparison shows binding agrees).
        var settings = Parse([(string)cases.Single(c => (string)c[0] == "settings")[1]], readTasksFromSyntax: true).Single().Result;
        Assert.Equal(new[]
        {
            // B: four settings out of range; C: a bare number for a duration, a negative timeout, a zero MaxRetryDelay;
            // D: MaxRetryDelay under RetryDelay; E: queue; F: unknown pool; G: more slots than the pool; H: MaxMapLength
            // without [MapOver]; I: a deadline that is no time; and the info on task ids written as strings.
            "PIPE015 8,28", "PIPE015 8,49", "PIPE015 8,64", "PIPE015 8,84", "PIPE014 9,31", "PIPE015 9,46", "PIPE015 9,75",
            "PIPE015 10,59", "PIPE024 11,26", "PIPE026 12,25", "PIPE027 13,30", "PIPE049 14,33", "PIPE035 15,52", "PIPE029 15,29",
            "PIPE035 18,52",
        }, settings.Diagnostics.Select(d => $"{d.Id} {d.Location.GetLineSpan().StartLinePosition}"));
        Assert.Equal(["A", "D"], ReadFromSyntax(Usings + AccessorsSource));
    }

    /// <summary>Half-edited pipelines (the robustness test's mutants, and mutants of a pipeline of simple tasks) parse the same both ways.</summary>
    [Fact]
    public void Half_edited_pipelines_parse_the_same_both_ways()
    {
        var simple = new StringBuilder(Usings + "namespace Acme;\n[Pipeline(\"simple\")]\npublic partial class Simple\n{\n");
        for (var i = 0; i < 12; i++)
        {
            var upstream = Enumerable.Range(1, 3).Select(k => i - k * k).Where(u => u >= 0).Select(u => u % 2 == 0 ? $"nameof(T{u})" : $"\"T{u}\"").ToList();
            simple.Append(upstream.Count == 0 ? $"    [PipelineTask] public static void T{i}() {{ }}\n" : $"    [PipelineTask, DependsOn({string.Join(", ", upstream)})] public static void T{i}() {{ }}\n");
        }
        simple.Append("    [PipelineTask]\n    [DependsOn(nameof(T3))]\n    public void Last() { }\n}\n");

        // And one whose tasks have settings of literal values, which are read from syntax too.
        var settings = new StringBuilder(Usings + "[assembly: Pool(\"db\", Slots = 2)]\nnamespace Acme;\n[Pipeline(\"settings\")]\npublic partial class Settings\n{\n");
        for (var i = 0; i < 8; i++)
        {
            var upstream = i == 0 ? "" : $", DependsOn(nameof(S{i - 1}))";
            settings.Append($"    [PipelineTask(Retries = {i - 2}, RetryDelay = \"00:0{i}:00\", Queue = \"q{i}\", Pool = \"db\", PoolSlots = {i % 3}, DependsOnPast = {(i % 2 == 0 ? "true" : "false")}){upstream}] public static void S{i}() {{ }}\n");
        }
        settings.Append("}\n");

        var pipelines = RobustnessMutationTests.Pipelines.Append(simple.ToString()).Append(simple.ToString()).Append(settings.ToString()).Append(settings.ToString()).ToArray();
        var problems = new List<string>();
        var parsed = 0;
        foreach (var mutant in RobustnessMutationTests.Mutants(pipelines, 16_2026, 600))
        {
            var compared = Compare([mutant.Source]);
            parsed += compared.Pipelines;
            if (compared.Problems.Count > 0) problems.Add($"case {mutant.Case} ({mutant.Edits}):\n{string.Join("\n", compared.Problems)}\n--- source ---\n{mutant.Source}");
            if (problems.Count >= 3) break;
        }
        Assert.True(problems.Count == 0, string.Join("\n\n", problems));
        Assert.True(parsed > 300, $"only {parsed} pipelines were parsed");
    }

    /// <summary>The task methods of the first pipeline in <paramref name="source"/> that the reader reads from syntax (with <paramref name="inputs"/>, their parameters' attributes too).</summary>
    private static List<string> ReadFromSyntax(string source, bool inputs = false)
    {
        var compilation = GeneratorHarness.Compile(source);
        var known = KnownSymbols.Create(compilation);
        var type = PipelineTypes(compilation, known).First();
        var reader = new SyntaxTaskReader(type, known);
        return type.GetMembers().OfType<IMethodSymbol>().Where(m => reader.TryRead(m, default) is { } task && (!inputs || task.Inputs is not null)).Select(m => m.Name).ToList();
    }

    private static (int Pipelines, List<string> Problems) Compare(string[] sources)
    {
        var problems = new List<string>();
        var fromSyntax = Parse(sources, readTasksFromSyntax: true);
        var bound = Parse(sources, readTasksFromSyntax: false);
        if (fromSyntax.Count != bound.Count) problems.Add($"{fromSyntax.Count} pipelines from syntax, {bound.Count} bound");
        for (var i = 0; i < Math.Min(fromSyntax.Count, bound.Count); i++)
        {
            var (name, a) = fromSyntax[i];
            var b = bound[i].Result;
            if (!Equals(a.Spec, b.Spec)) problems.Add($"{name}: the models differ:\n  syntax: {a.Spec}\n  bound:  {b.Spec}");
            if (a.Blocked != b.Blocked) problems.Add($"{name}: blocked {a.Blocked} from syntax, {b.Blocked} bound");
            var da = a.Diagnostics.Select(Describe).ToList();
            var db = b.Diagnostics.Select(Describe).ToList();
            if (!da.SequenceEqual(db)) problems.Add($"{name}: the diagnostics differ:\n  syntax: {string.Join("\n          ", da)}\n  bound:  {string.Join("\n          ", db)}");
            var la = Describe(a.Locations);
            var lb = Describe(b.Locations);
            if (la != lb) problems.Add($"{name}: the locations differ:\n  syntax: {la}\n  bound:  {lb}");
        }
        return (fromSyntax.Count, problems);
    }

    /// <summary>Parses every [Pipeline] type, on a compilation of its own so nothing is bound beforehand.</summary>
    private static List<(string Name, ParseResult Result)> Parse(string[] sources, bool readTasksFromSyntax)
    {
        var compilation = GeneratorHarness.Compile(sources);
        var known = KnownSymbols.Create(compilation);
        var results = new List<(string, ParseResult)>();
        foreach (var type in PipelineTypes(compilation, known))
        {
            if (known.Find(type, known.PipelineAttribute) is not { } attribute) continue;
            try
            {
                results.Add((type.ToDisplayString(), PipelineParser.Parse(type, attribute, known, default, readTasksFromSyntax)));
            }
            catch (Exception ex)
            {
                // The generator and the analyzer both survive a throwing parser; the two ways must throw alike, so compare the type.
                results.Add((type.ToDisplayString(), new ParseResult(null, [Diagnostic.Create(new DiagnosticDescriptor("THROWN", ex.GetType().Name, ex.GetType().Name, "t", DiagnosticSeverity.Error, true), Location.None)], new PipelineLocations(Location.None), true)));
            }
        }
        return results;
    }

    private static IEnumerable<INamedTypeSymbol> PipelineTypes(Compilation compilation, KnownSymbols known)
    {
        var pending = new Stack<INamespaceOrTypeSymbol>();
        pending.Push(compilation.Assembly.GlobalNamespace);
        var found = new List<INamedTypeSymbol>();
        while (pending.Count > 0)
        {
            foreach (var member in pending.Pop().GetMembers())
            {
                if (member is INamespaceSymbol ns) pending.Push(ns);
                else if (member is INamedTypeSymbol type)
                {
                    pending.Push(type);
                    if (type.Locations.Any(l => l.IsInSource) && known.Find(type, known.PipelineAttribute) is not null) found.Add(type);
                }
            }
        }
        return found.OrderBy(t => t.ToDisplayString(), StringComparer.Ordinal);
    }

    private static string Describe(Diagnostic d) =>
        $"{d.Id} {d.Severity} {d.Location.SourceTree?.FilePath}{d.Location.SourceSpan} {d.GetMessage()} [{string.Join(", ", d.Properties.OrderBy(p => p.Key).Select(p => $"{p.Key}={p.Value}"))}]";

    private static string Describe(PipelineLocations locations)
    {
        static string At(Location? l) => l is null ? "-" : $"{l.SourceTree?.FilePath}{l.SourceSpan}";
        var text = new StringBuilder(At(locations.Class));
        foreach (var task in locations.Tasks)
        {
            text.Append($" | {At(task.Method)} d[{string.Join(",", task.DependsOn.Select(At))}] p[{string.Join(",", task.Parameters.Select(At))}] b[{string.Join(",", task.BranchTargets.Select(At))}]");
        }
        return text.ToString();
    }
}
