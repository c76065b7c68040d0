using Microsoft.CodeAnalysis;
using Pipelines.Generators.Tests.Infrastructure;

namespace Pipelines.Generators.Tests;

/// <summary>Dynamic task mapping at compile time: the shapes it accepts, and PIPE044-PIPE049 with exact spans and messages.</summary>
public sealed class MappingDiagnosticTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks; using Pipelines;\n";

    private static Task<Diagnostic> AssertSingle(string markup, string id, string message) => DiagnosticTests.AssertSingle(markup, id, message);

    [Theory]
    [InlineData("IReadOnlyList<VendorFile>", "VendorFile")]
    [InlineData("VendorFile[]", "VendorFile")]
    [InlineData("IEnumerable<VendorFile>", "VendorFile")]
    [InlineData("Task<IReadOnlyList<VendorFile>>", "VendorFile")]
    [InlineData("ValueTask<VendorFile[]>", "VendorFile")]
    [InlineData("List<VendorFile>", "VendorFile")]
    [InlineData("IReadOnlyList<int>", "long")]
    [InlineData("IReadOnlyList<SpecialFile>", "VendorFile")]
    public async Task A_task_maps_over_any_collection_whose_element_converts_to_its_parameter(string upstreamReturn, string parameterType)
    {
        var build = await GeneratorHarness.BuildAsync(Usings + $$"""
            public record VendorFile(string Name);
            public sealed record SpecialFile(string Name) : VendorFile(Name);
            public sealed record Loaded(string Name);
            [Pipeline("nightly")]
            public partial class Nightly
            {
                [PipelineTask] public {{upstreamReturn}} ListVendorFiles() => default!;
                [PipelineTask] public Task<Loaded> Load([MapOver(nameof(ListVendorFiles))] {{parameterType}} file, RunContext run) => Task.FromResult(new Loaded(""));
                [PipelineTask] public void Report([FromTask(nameof(Load))] IReadOnlyList<Loaded> loaded) { }
            }
            """);
        Assert.Empty(build.Ours);
        Assert.Empty(build.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.NotNull(build.SourceFor("Nightly.Pipeline.g.cs"));
    }

    [Theory]
    [InlineData("IReadOnlyList<Loaded>")]
    [InlineData("IEnumerable<Loaded>")]
    [InlineData("Loaded[]")]
    [InlineData("List<Loaded>")]
    [InlineData("IReadOnlyCollection<object>")]
    public async Task A_reduce_takes_a_mapped_tasks_results_as_any_list_of_its_result(string parameterType)
    {
        var build = await GeneratorHarness.BuildAsync(Usings + $$"""
            public sealed record Loaded(string Name);
            [Pipeline("nightly")]
            public partial class Nightly
            {
                [PipelineTask] public string[] ListVendorFiles() => new string[0];
                [PipelineTask] public Loaded Load([MapOver(nameof(ListVendorFiles))] string file) => new Loaded(file);
                [PipelineTask] public void Report([FromTask(nameof(Load))] {{parameterType}} loaded) { }
            }
            """);
        Assert.Empty(build.Ours);
        Assert.Empty(build.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public Task PIPE044_a_single_result_from_a_mapped_task() => AssertSingle("""
        public sealed record Loaded(string Name);
        [Pipeline("nightly")]
        public partial class Nightly
        {
            [PipelineTask] public string[] ListVendorFiles() => new string[0];
            [PipelineTask] public Loaded Load([MapOver(nameof(ListVendorFiles))] string file) => new Loaded(file);
            [PipelineTask] public void Report([FromTask([|nameof(Load)|])] Loaded loaded) { }
        }
        """, "PIPE044", "Parameter 'loaded' of task 'Report' has type 'Loaded', but task 'Load' is mapped: it runs once per element and gives its results as a list in map-index order. Take them as 'IReadOnlyList<Loaded>'.");

    [Fact]
    public Task PIPE044_a_list_of_the_wrong_element_from_a_mapped_task() => AssertSingle("""
        public sealed record Loaded(string Name);
        public sealed record Rejected(string Name);
        [Pipeline("nightly")]
        public partial class Nightly
        {
            [PipelineTask] public string[] ListVendorFiles() => new string[0];
            [PipelineTask] public Task<Loaded> Load([MapOver(nameof(ListVendorFiles))] string file) => Task.FromResult(new Loaded(file));
            [PipelineTask] public void Report([FromTask([|nameof(Load)|])] IReadOnlyList<Rejected> loaded) { }
        }
        """, "PIPE044", "Parameter 'loaded' of task 'Report' has type 'IReadOnlyList<Rejected>', but task 'Load' is mapped: it runs once per element and gives its results as a list in map-index order. Take them as 'IReadOnlyList<Loaded>'.");

    [Fact]
    public Task PIPE045_element_type_mismatch_names_both_types() => AssertSingle("""
        public sealed record VendorFile(string Name);
        [Pipeline("nightly")]
        public partial class Nightly
        {
            [PipelineTask] public Task<IReadOnlyList<VendorFile>> ListVendorFiles() => Task.FromResult<IReadOnlyList<VendorFile>>(new VendorFile[0]);
            [PipelineTask] public void Load([MapOver([|nameof(ListVendorFiles)|])] string file) { }
        }
        """, "PIPE045", "Parameter 'file' of task 'Load' has type 'string', but it maps over 'ListVendorFiles', whose elements are 'VendorFile'. Change the parameter to 'VendorFile' or a type it converts to implicitly.");

    [Fact]
    public Task PIPE046_map_over_a_task_that_returns_one_value() => AssertSingle("""
        public sealed record VendorFile(string Name);
        [Pipeline("nightly")]
        public partial class Nightly
        {
            [PipelineTask] public VendorFile Latest() => new VendorFile("a");
            [PipelineTask] public void Load([MapOver([|nameof(Latest)|])] VendorFile file) { }
        }
        """, "PIPE046", "Parameter 'file' of task 'Load' maps over 'Latest', which returns 'VendorFile', which is not a collection. Map over a task that returns IReadOnlyList<T>, T[] or IEnumerable<T> (optionally in Task<> or ValueTask<>).");

    [Fact]
    public Task PIPE046_map_over_a_string_or_a_dictionary_is_not_a_collection() => AssertSingle("""
        [Pipeline("nightly")]
        public partial class Nightly
        {
            [PipelineTask] public Dictionary<string, int> Counts() => new();
            [PipelineTask] public void Load([MapOver([|nameof(Counts)|])] KeyValuePair<string, int> count) { }
        }
        """, "PIPE046", "Parameter 'count' of task 'Load' maps over 'Counts', which returns 'Dictionary<string, int>', which is not a collection. Map over a task that returns IReadOnlyList<T>, T[] or IEnumerable<T> (optionally in Task<> or ValueTask<>).");

    [Fact]
    public Task PIPE046_map_over_a_dictionary_interface_is_not_a_collection() => AssertSingle("""
        [Pipeline("nightly")]
        public partial class Nightly
        {
            [PipelineTask] public IReadOnlyDictionary<string, int> Counts() => new Dictionary<string, int>();
            [PipelineTask] public void Load([MapOver([|nameof(Counts)|])] KeyValuePair<string, int> count) { }
        }
        """, "PIPE046", "Parameter 'count' of task 'Load' maps over 'Counts', which returns 'IReadOnlyDictionary<string, int>', which is not a collection. Map over a task that returns IReadOnlyList<T>, T[] or IEnumerable<T> (optionally in Task<> or ValueTask<>).");

    [Fact]
    public Task PIPE046_map_over_a_task_that_returns_nothing() => AssertSingle("""
        [Pipeline("nightly")]
        public partial class Nightly
        {
            [PipelineTask] public Task Prepare() => Task.CompletedTask;
            [PipelineTask] public void Load([MapOver([|nameof(Prepare)|])] string file) { }
        }
        """, "PIPE046", "Parameter 'file' of task 'Load' maps over 'Prepare', which returns no value. Map over a task that returns IReadOnlyList<T>, T[] or IEnumerable<T> (optionally in Task<> or ValueTask<>).");

    [Fact]
    public Task PIPE047_nested_mapping_over_a_mapped_task() => AssertSingle("""
        public sealed record Row(int Value);
        [Pipeline("nightly")]
        public partial class Nightly
        {
            [PipelineTask] public string[] ListVendorFiles() => new string[0];
            [PipelineTask] public Row[] Parse([MapOver(nameof(ListVendorFiles))] string file) => new Row[0];
            [PipelineTask] public void Store([MapOver([|nameof(Parse)|])] Row row) { }
        }
        """, "PIPE047", "Parameter 'row' of task 'Store' maps over 'Parse', which is itself mapped. Add a task that takes all its results as [FromTask(nameof(Parse))] IReadOnlyList<Row[]> and returns the collection to map over, and map over that task.");

    [Fact]
    public Task PIPE048_two_collections_in_one_task() => AssertSingle("""
        [Pipeline("nightly")]
        public partial class Nightly
        {
            [PipelineTask] public string[] Files() => new string[0];
            [PipelineTask] public int[] Desks() => new int[0];
            [PipelineTask] public void Load([MapOver(nameof(Files))] string file, [MapOver([|nameof(Desks)|])] int desk) { }
        }
        """, "PIPE048", "Task 'Load' maps over both 'file' and 'desk'. A task maps over one collection: return the pairs from one upstream task and map over that.");

    [Fact]
    public Task PIPE049_MaxMapLength_on_a_task_that_is_not_mapped() => AssertSingle("""
        [Pipeline("nightly")]
        public partial class Nightly
        {
            [PipelineTask(MaxMapLength = [|10|])] public void Load() { }
        }
        """, "PIPE049", "Task 'Load' sets MaxMapLength but has no [MapOver] parameter. Remove MaxMapLength, or map the task over an upstream collection with [MapOver].");

    [Fact]
    public Task PIPE049_negative_MaxMapLength() => AssertSingle("""
        [Pipeline("nightly")]
        public partial class Nightly
        {
            [PipelineTask] public string[] Files() => new string[0];
            [PipelineTask(MaxMapLength = [|-1|])] public void Load([MapOver(nameof(Files))] string file) { }
        }
        """, "PIPE049", "Task 'Load' sets MaxMapLength to -1. Set at least 1, or 0 to take the runtime's Pipelines:MaxMapLength (1,024 by default).");

    [Fact]
    public Task PIPE049_a_mapped_condition() => AssertSingle("""
        [Pipeline("nightly")]
        public partial class Nightly
        {
            [PipelineTask] public string[] Files() => new string[0];
            [PipelineTask, Condition] public bool [|IsFresh|]([MapOver(nameof(Files))] string file) => true;
        }
        """, "PIPE049", "Task 'IsFresh' maps over a collection but is a condition, branch or sensor. Map a plain [PipelineTask]; decide with a condition or branch downstream of its results.");

    [Fact]
    public Task PIPE049_MapOver_and_FromTask_on_one_parameter() => AssertSingle("""
        [Pipeline("nightly")]
        public partial class Nightly
        {
            [PipelineTask] public string[] Files() => new string[0];
            [PipelineTask] public void Load([MapOver([|nameof(Files)|]), FromTask(nameof(Files))] string file) { }
        }
        """, "PIPE049", "Task 'Load' has both [MapOver] and [FromTask] on parameter 'file'. Keep [MapOver] to take one element per instance, or [FromTask] to take the whole output in every instance.");

    [Fact]
    public Task An_unknown_MapOver_task_is_PIPE008_with_a_suggestion() => AssertSingle("""
        [Pipeline("nightly")]
        public partial class Nightly
        {
            [PipelineTask] public string[] Files() => new string[0];
            [PipelineTask] public void Load([MapOver([|"Filez"|])] string file) { }
        }
        """, "PIPE008", "Parameter 'file' of task 'Load' takes the output of 'Filez', which is not a task of pipeline 'nightly'. Did you mean 'Files'? Name a [PipelineTask] method of this class, preferably with nameof.");
}
