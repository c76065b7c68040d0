using Microsoft.CodeAnalysis;
using Pipelines.Generators.Tests.Infrastructure;

namespace Pipelines.Generators.Tests;

/// <summary>Whatever half-typed code the IDE hands over, the generator and analyzer never throw and never cascade.</summary>
public sealed class RobustnessTests
{
    public static TheoryData<string, string> HalfTypedCode => new()
    {
        { "missing closing braces", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public void Extract() {" },
        { "attribute with no arguments", "[Pipeline] public partial class Etl { [PipelineTask] public void Extract() { } }" },
        { "non-constant id", "[Pipeline(Ids.Name)] public partial class Etl { [PipelineTask] public void Extract() { } } public static class Ids { public static string Name = \"x\"; }" },
        { "non-constant schedule", "[Pipeline(\"etl\", Schedule = Cron)] public partial class Etl { static string Cron = \"\"; [PipelineTask] public void Extract() { } }" },
        { "null id", "[Pipeline(null!)] public partial class Etl { [PipelineTask] public void Extract() { } }" },
        { "unresolved return type", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public Prices Extract() => null!; [PipelineTask] public void Load([FromTask(nameof(Extract))] Prices p) { } }" },
        { "unresolved parameter type", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public void Extract(Vendor v) { } }" },
        { "unresolved constructor parameter", "[Pipeline(\"etl\")] public partial class Etl(IVendor vendor) { [PipelineTask] public void Extract() { } }" },
        { "DependsOn with null", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask, DependsOn(null)] public void Extract() { } }" },
        { "DependsOn with a null element", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask, DependsOn(\"A\", null)] public void Extract() { } }" },
        { "FromTask with no argument", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public void Extract([FromTask] int x) { } }" },
        { "Branch with null targets", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask, Branch(null)] public string Extract() => \"\"; }" },
        { "Pipeline attribute on a method", "public partial class Etl { [Pipeline(\"etl\")] public void Extract() { } }" },
        { "PipelineTask on a class", "[PipelineTask] public partial class Etl { }" },
        { "PipelineTask on a property", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public int Extract => 1; [PipelineTask] public void Load() { } }" },
        { "Pipeline on a struct", "[Pipeline(\"etl\")] public partial struct Etl { [PipelineTask] public void Extract() { } }" },
        { "Pipeline on an interface", "[Pipeline(\"etl\")] public partial interface IEtl { [PipelineTask] void Extract(); }" },
        { "generic pipeline class", "[Pipeline(\"etl\")] public partial class Etl<T> { [PipelineTask] public void Extract() { } }" },
        { "task is a local function", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public void Extract() { [PipelineTask] void Inner() { } Inner(); } }" },
        { "duplicate attributes", "[Pipeline(\"etl\")][Pipeline(\"etl2\")] public partial class Etl { [PipelineTask][PipelineTask] public void Extract() { } }" },
        { "wrong argument types", "[Pipeline(42, Schedule = 5, MaxActiveRuns = \"x\")] public partial class Etl { [PipelineTask(Retries = \"two\")] public void Extract() { } }" },
        { "trigger rule out of range", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask(Trigger = (TriggerRule)99)] public void Extract() { } }" },
        { "half-typed attribute", "[Pipeline(\"etl\", Schedule = ] public partial class Etl { [PipelineTask(] public void Extract() { } }" },
        { "empty file body", "[Pipeline(\"etl\")]" },
        { "file-scoped namespace and partial in two files", "namespace A; [Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public void Extract() { } } public partial class Etl { [PipelineTask] public void Load() { } }" },
        { "abstract task", "[Pipeline(\"etl\")] public abstract partial class Etl { [PipelineTask] public abstract void Extract(); }" },
        { "extern task", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public static extern void Extract(); }" },
        { "pointer parameter", "[Pipeline(\"etl\")] public unsafe partial class Etl { [PipelineTask] public void Extract(int* p) { } }" },
        { "pool half-typed", "[assembly: Pool(] [Pipeline(\"etl\")] public partial class Etl { [PipelineTask(Pool = )] public void Extract() { } }" },
        { "pool with null name and wrong slots", "[assembly: Pool(null!, Slots = \"x\")] [assembly: Pool(\"p\", Slots = -1)] [Pipeline(\"etl\")] public partial class Etl { [PipelineTask(Pool = \"p\", PoolSlots = -3)] public void Extract() { } }" },
        { "non-constant pool and deadline", "[Pipeline(\"etl\", Deadline = D)] public partial class Etl { static string D = \"\"; [PipelineTask(Pool = D, Deadline = D)] public void Extract() { } }" },
        { "weight rule out of range", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask(WeightRule = (PriorityWeightRule)99)] public void Extract() { } }" },
        { "callback with null tasks", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public void Extract() { } [OnFailure(null)] public void A() { } [OnRetry(\"Extract\", null)] public void B() { } }" },
        { "callback with unresolved types", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public void Extract() { } [OnFailure] public Pager A(IPager p) => null!; }" },
        { "callback half-typed", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public void Extract() { } [OnSuccess(] public void A(PipelineEvent e }" },
        { "callback on a property and a local function", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public void Extract() { [OnFailure] void Inner() { } Inner(); } [OnFailure] public int P => 1; }" },
        { "instance callback on an abstract class", "[Pipeline(\"etl\")] public abstract partial class Etl { [PipelineTask] public static void Extract() { } [OnFailure] public void A() { } }" },
        { "callback on an abstract class", "[Pipeline(\"etl\")] public abstract partial class Etl { [PipelineTask] public static void Extract() { } [OnFailure] public abstract void A(); }" },
        { "recursive generic constraint", "[Pipeline(\"etl\")] public partial class Etl { [PipelineTask] public T Extract<T>() where T : Etl => default!; }" },
    };

    [Theory]
    [MemberData(nameof(HalfTypedCode))]
    public async Task Half_typed_code_gives_at_most_our_diagnostics_and_compiler_errors(string description, string code)
    {
        var build = await GeneratorHarness.BuildAsync("using System; using System.Threading.Tasks; using Pipelines;\n" + code);

        Assert.All(build.Run.Results, r => Assert.Null(r.Exception));
        Assert.DoesNotContain(build.GeneratorDiagnostics, d => d.Id is "CS8784" or "CS8785");
        Assert.DoesNotContain(build.Diagnostics, d => d.Id == "AD0001");

        // Nothing is reported inside generated code: a broken pipeline gets no half-generated code to cascade from.
        var generatedTrees = build.Output.SyntaxTrees.Except(build.Input.SyntaxTrees).ToHashSet();
        var inGenerated = build.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && generatedTrees.Contains(d.Location.SourceTree!)).ToList();
        Assert.True(inGenerated.Count == 0, $"{description}: errors in generated code: {string.Join("; ", inGenerated)}");
    }

    [Fact]
    public async Task A_typo_in_a_dependency_gives_exactly_one_error_and_no_cascade_from_users_of_the_definition()
    {
        var build = await GeneratorHarness.BuildAsync("""
            using Pipelines;
            [Pipeline("etl")]
            public partial class Etl
            {
                [PipelineTask] public void Extract() { }
                [PipelineTask, DependsOn("Extrct")] public void Load() { }
            }
            """);
        var errors = build.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.Equal("PIPE002", Assert.Single(errors).Id);
    }

    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks; using Pipelines;\n";

    /// <summary>Valid user code: the pipeline is generated, and nothing (ours or the compiler's) reports an error.</summary>
    private static async Task<BuildResult> AssertGeneratesAndCompiles(string code)
    {
        var build = await GeneratorHarness.BuildAsync(Usings + code);
        Assert.All(build.Run.Results, r => Assert.Null(r.Exception));
        Assert.Empty(build.Ours);
        Assert.Contains(build.Generated, g => g.HintName.EndsWith(".Pipeline.g.cs", StringComparison.Ordinal));
        var errors = build.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return build;
    }

    /// <summary>One diagnostic of ours on the marked span, no generated pipeline, and no compiler error besides <paramref name="compilerErrors"/>.</summary>
    private static async Task AssertOurs(string markup, string id, string message, params string[] compilerErrors)
    {
        var (source, span) = Markup.Parse(Usings + markup);
        var build = await GeneratorHarness.BuildAsync(source);
        var diagnostic = Assert.Single(build.Ours);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(span, diagnostic.Location.SourceSpan);
        Assert.DoesNotContain(build.Generated, g => g.HintName.EndsWith(".Pipeline.g.cs", StringComparison.Ordinal));
        Assert.Equal(compilerErrors, build.Output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id));
    }

    /// <summary>The user's own compiler error blocks generation: no diagnostic of ours, no generated pipeline, nothing repeated.</summary>
    private static async Task AssertOnlyTheCompilersError(string markup, string compilerError)
    {
        var (source, span) = Markup.Parse(Usings + markup);
        var build = await GeneratorHarness.BuildAsync(source);
        Assert.Empty(build.Ours);
        Assert.DoesNotContain(build.Generated, g => g.HintName.EndsWith(".Pipeline.g.cs", StringComparison.Ordinal));
        var error = Assert.Single(build.Output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal(compilerError, error.Id);
        Assert.Equal(span, error.Location.SourceSpan);
    }

    [Fact]
    public Task Tasks_named_with_verbatim_keywords_are_called_with_the_at_sign() => AssertGeneratesAndCompiles("""
        [Pipeline("keywords")]
        public partial class Keywords
        {
            [PipelineTask] public int @checked() => 1;
            [PipelineTask, DependsOn(nameof(@checked))] public static void @class() { }
            [PipelineTask] public Task @lock([FromTask(nameof(@checked))] int value) => Task.CompletedTask;
            [OnFailure] public void @event(PipelineEvent e) { }
        }
        """);

    [Fact]
    public Task A_class_and_namespace_named_with_verbatim_keywords_are_reopened_with_the_at_sign() => AssertGeneratesAndCompiles("""
        namespace @lock.@checked
        {
            public static partial class @static
            {
                [Pipeline("keywords")]
                public partial class @class
                {
                    [PipelineTask] public void Extract() { }
                }
            }
        }
        """);

    [Fact]
    public Task Tasks_named_await_and_var_are_called() => AssertGeneratesAndCompiles("""
        [Pipeline("contextual")]
        public partial class Contextual
        {
            [PipelineTask] public Task<int> await() => Task.FromResult(1);
            [PipelineTask] public int var([FromTask(nameof(await))] int value) => value;
            [PipelineTask] public static int async() => 1;
        }
        """);

    [Fact]
    public Task A_class_named_var_in_a_namespace_named_await_does_not_capture_the_generated_code() => AssertGeneratesAndCompiles("""
        #pragma warning disable CS8981 // lowercase type names are the point of this test
        namespace await
        {
            public class var { }

            [Pipeline("contextual")]
            public partial class Etl
            {
                [PipelineTask] public Task<int> Extract() => Task.FromResult(1);
                [PipelineTask] public int Load([FromTask(nameof(Extract))] int value) => value;
            }
        }
        """);

    [Fact]
    public Task A_task_named_Definition_collides_with_the_generated_property() => AssertOurs("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void [|Definition|]() { }
        }
        """, "PIPE006", "Pipeline class 'Etl' declares 'Definition', a name the generator gives to a member it adds to every pipeline class. Rename 'Definition'.");

    [Fact]
    public Task A_task_named_like_the_generated_nested_class_collides_with_it() => AssertOurs("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [PipelineTask] public void [|__PipelineDefinition|]() { }
        }
        """, "PIPE006", "Pipeline class 'Etl' declares '__PipelineDefinition', a name the generator gives to a member it adds to every pipeline class. Rename '__PipelineDefinition'.");

    [Fact]
    public Task A_task_returning_dynamic_is_rejected() => AssertOurs("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public Task<dynamic> [|Extract|]() => Task.FromResult<dynamic>(1);
        }
        """, "PIPE007", "Task method 'Extract' returns 'dynamic', which is dynamic, so the generated code cannot name its type. Return a type that can be stored, such as object, a record or an array.");

    [Fact]
    public Task A_task_returning_a_ref_struct_is_rejected() => AssertOurs("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public Span<int> [|Extract|]() => default;
        }
        """, "PIPE007", "Task method 'Extract' returns 'Span<int>', which is a ref struct, which cannot be boxed or be a type argument. Return a type that can be stored, such as object, a record or an array.");

    [Fact]
    public Task A_typed_input_of_dynamic_is_rejected() => AssertOurs("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public List<object> Extract() => new();
            [PipelineTask] public void Load([FromTask(nameof(Extract))] List<dynamic> [|rows|]) { }
        }
        """, "PIPE007", "Task method 'Load' takes 'rows' as 'List<dynamic>', which is dynamic, so the generated code cannot name its type. Take the upstream output as a type that can be stored, such as object, a record or an array.");

    [Fact]
    public Task An_unresolved_type_under_a_question_mark_leaves_only_the_compilers_error() => AssertOnlyTheCompilersError("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public Task<[|Prices|]?> Extract() => Task.FromResult<Prices?>(null);
        }
        """.Replace("Task.FromResult<Prices?>(null)", "null!"), "CS0246");

    [Fact]
    public Task An_instance_task_in_a_static_class_leaves_only_the_compilers_error() => AssertOnlyTheCompilersError("""
        [Pipeline("etl")]
        public static partial class Etl
        {
            [PipelineTask] public static void Extract() { }
            [PipelineTask] public void [|Load|]() { }
        }
        """, "CS0708");

    [Fact]
    public Task A_default_string_dependency_is_reported() => AssertOurs("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [PipelineTask, DependsOn([|default(string)|])] public void Load() { }
        }
        """, "PIPE034", "[DependsOn] of task 'Load' names no task: the task id is null. Name a [PipelineTask] method of this class with nameof, such as nameof(Extract).");

    [Fact]
    public Task A_null_dependency_array_is_reported() => AssertOurs("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [PipelineTask, DependsOn([|null|])] public void Load() { }
        }
        """, "PIPE034", "[DependsOn] of task 'Load' names no task: the task id is null. Name a [PipelineTask] method of this class with nameof, such as nameof(Extract).");

    [Fact]
    public Task A_null_typed_input_task_is_reported() => AssertOurs("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public int Extract() => 1;
            [PipelineTask] public void Load([FromTask([|null|])] int value) { }
        }
        """, "PIPE034", "[FromTask] on parameter 'value' of task 'Load' names no task: the task id is null. Name a [PipelineTask] method of this class with nameof, such as nameof(Extract).");

    [Fact]
    public Task A_null_branch_target_array_is_a_branch_without_targets() => AssertOurs("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask, Branch(null)] public string [|Choose|]() => "";
        }
        """, "PIPE016", "Branch 'Choose' declares no targets. List the tasks it chooses between, as in [Branch(nameof(PostMeetingNotice), nameof(PostLunchReminder))].");

    [Fact]
    public Task A_null_branch_target_is_reported() => AssertOurs("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask, Branch(nameof(Load), [|default(string)|])] public string Choose() => "";
            [PipelineTask, DependsOn(nameof(Choose))] public void Load() { }
        }
        """, "PIPE034", "[Branch] of task 'Choose' names no task: the task id is null. Name a [PipelineTask] method of this class with nameof, such as nameof(Extract).");

    [Fact]
    public Task A_null_callback_task_is_reported() => AssertOurs("""
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
            [OnRetry(nameof(Extract), [|null|])] public void Retried(PipelineEvent e) { }
        }
        """, "PIPE034", "[OnRetry] on callback 'Retried' names no task: the task id is null. Name a [PipelineTask] method of this class with nameof, such as nameof(Extract).");

    [Fact]
    public Task A_constructor_taking_a_service_by_ref_is_reported() => AssertOurs("""
        [Pipeline("etl")]
        public partial class Etl
        {
            public Etl(ref int [|count|]) { }
            [PipelineTask] public void Extract() { }
        }
        """, "PIPE006", "Pipeline class 'Etl' has a constructor that takes 'count' by ref, which the pipeline cannot pass from the service provider. Take services by value.");

    [Fact]
    public Task A_null_pipeline_id_is_reported() => AssertOurs("""
        [Pipeline([|null|])]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
        }
        """, "PIPE023", "Pipeline id '' is invalid: it is null. Use letters, digits, '_', '-' and '.', starting with a letter or digit, such as \"nightly_dataload\".");

    [Fact]
    public Task A_class_whose_name_is_missing_leaves_only_the_compilers_error() => AssertOnlyTheCompilersError("""
        [Pipeline("etl")]
        public partial class[||]
        {
            [PipelineTask] public void Extract() { }
        }
        """, "CS1001");
}
