using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Pipelines.Generators.Tests.Infrastructure;
using Pipelines.Generators.Tests.TestPipelines;

namespace Pipelines.Generators.Tests;

/// <summary>
/// Typed run parameters at compile time: the diagnostics PIPE040-PIPE043 (id, exact span marked [| |], whole message),
/// the description the generator writes into the definition, and the reflection-free binding of a [RunParameters] argument.
/// </summary>
public sealed class RunParameterTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.ComponentModel; using System.ComponentModel.DataAnnotations; using System.Threading; using System.Threading.Tasks; using NodaTime; using Pipelines;\n";

    private static async Task AssertSingle(string markup, string id, string message)
    {
        var (source, span) = Markup.Parse(Usings + markup);
        var build = await GeneratorHarness.BuildAsync(source);
        var diagnostic = Assert.Single(build.Ours);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(span, diagnostic.Location.SourceSpan);
        Assert.Equal($"https://github.com/pipelines-dotnet/pipelines/blob/main/docs/diagnostics/{id}.md", diagnostic.Descriptor.HelpLinkUri);
        Assert.DoesNotContain(build.Generated, g => g.HintName.EndsWith(".Pipeline.g.cs", StringComparison.Ordinal));
        Assert.DoesNotContain(build.Output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public Task PIPE040_unsupported_member_type_names_the_member_and_the_type() => AssertSingle("""
        public sealed record Params(string Symbol, Dictionary<string, int> [|Limits|]);
        [Pipeline("etl", Parameters = typeof(Params))]
        public partial class Etl
        {
            [PipelineTask] public void Extract([RunParameters] Params p) { }
        }
        """, "PIPE040", "Run parameter 'Limits' of Params has type 'Dictionary<string, int>', which a run parameter cannot hold. Use string, int, long, decimal, double, bool, LocalDate, an enum, or a list of these (T[], List<T>, IReadOnlyList<T>), or move the member out of the parameters record.");

    [Fact]
    public Task PIPE040_unsupported_property_type() => AssertSingle("""
        public sealed record Params(string Symbol)
        {
            public TimeSpan [|Window|] { get; init; }
        }
        [Pipeline("etl", Parameters = typeof(Params))]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
        }
        """, "PIPE040", "Run parameter 'Window' of Params has type 'TimeSpan', which a run parameter cannot hold. Use string, int, long, decimal, double, bool, LocalDate, an enum, or a list of these (T[], List<T>, IReadOnlyList<T>), or move the member out of the parameters record.");

    [Fact]
    public Task PIPE041_RunParameters_type_differs_from_the_pipelines_Parameters() => AssertSingle("""
        public sealed record Params(string Symbol = "AAPL");
        public sealed record Other(int Count = 1);
        [Pipeline("etl", Parameters = typeof(Params))]
        public partial class Etl
        {
            [PipelineTask] public void Extract([RunParameters] Other [|p|]) { }
        }
        """, "PIPE041", "Parameter 'p' of task 'Extract' takes the run parameters as Other, but pipeline 'etl' declares them as Params. Take Params, or change the pipeline's Parameters.");

    [Fact]
    public Task PIPE041_two_tasks_disagree_without_a_declared_type() => AssertSingle("""
        public sealed record Params(string Symbol = "AAPL");
        public sealed record Other(int Count = 1);
        [Pipeline("etl")]
        public partial class Etl
        {
            [PipelineTask] public void Extract([RunParameters] Params p) { }
            [PipelineTask] public void Load([RunParameters] Other [|o|]) { }
        }
        """, "PIPE041", "Parameter 'o' of task 'Load' takes the run parameters as Other, but pipeline 'etl' declares them as Params. Take Params, or change the pipeline's Parameters.");

    [Fact]
    public Task PIPE042_scheduled_pipeline_with_a_required_member_without_default() => AssertSingle("""
        public sealed record Params(IReadOnlyList<string> Symbols, bool DryRun = false);
        [Pipeline("etl", Schedule = "@daily", Parameters = [|typeof(Params)|])]
        public partial class Etl
        {
            [PipelineTask] public void Extract([RunParameters] Params p) { }
        }
        """, "PIPE042", "Pipeline 'etl' runs on a schedule, but run parameter 'Symbols' of Params is required and has no default, so a scheduled run could not start. Give 'Symbols' a default (as in 'int MaxRows = 500'), make it nullable, or remove the Schedule.");

    [Fact]
    public Task PIPE042_Required_attribute_without_default_on_a_scheduled_pipeline() => AssertSingle("""
        public sealed record Params
        {
            [Required] public string? Desk { get; init; }
        }
        [Pipeline("etl", Schedule = "@daily")]
        public partial class Etl
        {
            [PipelineTask] public void Extract([RunParameters] Params [|p|]) { }
        }
        """, "PIPE042", "Pipeline 'etl' runs on a schedule, but run parameter 'Desk' of Params is required and has no default, so a scheduled run could not start. Give 'Desk' a default (as in 'int MaxRows = 500'), make it nullable, or remove the Schedule.");

    [Fact]
    public Task PIPE043_parameters_type_is_not_a_record() => AssertSingle("""
        public sealed class Params { public int Count { get; set; } }
        [Pipeline("etl", Parameters = [|typeof(Params)|])]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
        }
        """, "PIPE043", "Run parameters type Params cannot be bound: it is not a record. Declare it as a record, such as 'public sealed record PriceParams(IReadOnlyList<string> Symbols, bool DryRun = false)'.");

    [Fact]
    public Task PIPE043_invalid_pattern() => AssertSingle("""
        public sealed record Params([RegularExpression("[A-Z")] string [|Symbol|] = "AAPL");
        [Pipeline("etl", Parameters = typeof(Params))]
        public partial class Etl
        {
            [PipelineTask] public void Extract() { }
        }
        """, "PIPE043", "Run parameters type Params cannot be bound: the [RegularExpression] pattern of 'Symbol' is invalid (Invalid pattern '[A-Z' at offset 4. Unterminated [] set). Fix the pattern.");

    [Fact]
    public async Task A_scheduled_pipeline_whose_members_all_have_defaults_compiles()
    {
        var build = await GeneratorHarness.BuildAsync(Usings + """
            public sealed record Params(bool DryRun = false, int? Limit = null)
            {
                public IReadOnlyList<string> Symbols { get; init; } = new[] { "AAPL" };
            }
            [Pipeline("etl", Schedule = "@daily", Parameters = typeof(Params))]
            public partial class Etl
            {
                [PipelineTask] public void Extract([RunParameters] Params p) { }
            }
            """);
        Assert.Empty(build.Ours);
        Assert.Empty(build.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public async Task Snapshot_of_a_pipeline_with_typed_parameters()
    {
        var build = await GeneratorHarness.BuildAsync(Usings + """
            namespace Acme.Prices;

            public enum Source { Vendor, Exchange }

            /// <param name="Symbols">The symbols to load.</param>
            public sealed record PriceParams(IReadOnlyList<string> Symbols, bool DryRun = false, [property: Range(1, 10_000)] int MaxRows = 500, Source Source = Source.Exchange)
            {
                public LocalDate? From { get; init; }
                [Description("Scale factor.")] public decimal Scale { get; init; } = 1.5m;
                [RegularExpression("[A-Z]{3}")] public string Currency { get; init; } = "USD";
                public long[] Batches { get; init; } = [];
                public required string Desk { get; init; }
            }

            [Pipeline("backfill_prices", Parameters = typeof(PriceParams))]
            public sealed partial class BackfillPrices
            {
                [PipelineTask] public static void Load([RunParameters] PriceParams p, RunContext run) { }
            }
            """);
        Assert.Empty(build.Ours);
        Assert.Empty(build.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Snapshot.Verify(build.SourceFor("Acme.Prices.BackfillPrices.Pipeline.g.cs")!, "RunParameters");
    }

    [Fact]
    public void The_definition_describes_every_member_with_kind_default_range_pattern_and_description()
    {
        var parameters = PriceParamsPipeline.Definition.Parameters!;
        Assert.Equal(typeof(PriceParams), parameters.Type);
        Assert.Equal(new[] { "Symbols", "DryRun", "MaxRows", "Source", "From", "Scale", "Currency", "Batches", "Tolerance" }, parameters.Parameters.Select(p => p.Name));

        // XML doc summaries are read only where the project parses its docs (GenerateDocumentationFile; this test project
        // does not, the snapshot's compilation does); [Description] is read everywhere.
        var symbols = parameters.Parameters[0];
        Assert.Equal((RunParameterKind.String, true, true, null), (symbols.Kind, symbols.IsList, symbols.Required, symbols.Default));
        var maxRows = parameters.Parameters[2];
        Assert.Equal((RunParameterKind.Int32, false, "500", 1d, 10_000d), (maxRows.Kind, maxRows.Required, maxRows.Default, maxRows.Minimum, maxRows.Maximum));
        var source = parameters.Parameters[3];
        Assert.Equal((RunParameterKind.Enum, "Exchange"), (source.Kind, source.Default));
        Assert.Equal(new[] { "Vendor", "Exchange" }, source.EnumValues);
        var from = parameters.Parameters[4];
        Assert.Equal((RunParameterKind.Date, false, null), (from.Kind, from.Required, from.Default));
        Assert.Equal(("1.5", "A factor applied to every price."), (parameters.Parameters[5].Default, parameters.Parameters[5].Description));
        Assert.Equal(("USD", "[A-Z]{3}"), (parameters.Parameters[6].Default, parameters.Parameters[6].Pattern));
        Assert.Equal((RunParameterKind.Int64, true, null), (parameters.Parameters[7].Kind, parameters.Parameters[7].IsList, parameters.Parameters[7].Default));
        Assert.Equal((RunParameterKind.Double, "0"), (parameters.Parameters[8].Kind, parameters.Parameters[8].Default));
    }

    [Fact]
    public async Task The_generated_dispatch_binds_the_stored_values_into_the_record()
    {
        var definition = PriceParamsPipeline.Definition;
        var stored = definition.Parameters!.Bind(definition.Id, new Dictionary<string, string>
        {
            ["symbols"] = "AAPL, MSFT",
            ["maxrows"] = "20",
            ["SOURCE"] = "vendor",
            ["from"] = "2024-03-01",
            ["batches"] = "1,2",
            ["dryRun"] = "yes",
        });
        var run = new RunContext(definition.Id, "manual__1", "Load", new LocalDate(2024, 3, 1), new Interval(Instant.FromUnixTimeSeconds(0), Instant.FromUnixTimeSeconds(1)), parameters: stored);
        lock (PriceParamsPipeline.Seen) PriceParamsPipeline.Seen.Clear();

        await definition.InvokeAsync(definition["Load"], new TaskInvocation(run, new ServiceCollection().BuildServiceProvider(), new NoOutputs()));

        var bound = Assert.Single(PriceParamsPipeline.Seen);
        Assert.Equal(new[] { "AAPL", "MSFT" }, bound.Symbols);
        Assert.True(bound.DryRun);
        Assert.Equal(20, bound.MaxRows);
        Assert.Equal(PriceSource.Vendor, bound.Source);
        Assert.Equal(new LocalDate(2024, 3, 1), bound.From);
        Assert.Equal(1.5m, bound.Scale);
        Assert.Equal("USD", bound.Currency);
        Assert.Equal(new long[] { 1, 2 }, bound.Batches);
    }

    [Fact]
    public async Task A_run_without_stored_values_gets_the_records_defaults_and_a_clear_error_for_a_required_one()
    {
        var definition = PriceParamsPipeline.Definition;
        var run = new RunContext(definition.Id, "manual__1", "Load", new LocalDate(2024, 3, 1), new Interval(Instant.FromUnixTimeSeconds(0), Instant.FromUnixTimeSeconds(1)),
            parameters: new Dictionary<string, string> { ["Symbols"] = "AAPL" });
        lock (PriceParamsPipeline.Seen) PriceParamsPipeline.Seen.Clear();
        await definition.InvokeAsync(definition["Load"], new TaskInvocation(run, new ServiceCollection().BuildServiceProvider(), new NoOutputs()));
        var bound = Assert.Single(PriceParamsPipeline.Seen);
        Assert.Equal((500, PriceSource.Exchange, 1.5m, 0), (bound.MaxRows, bound.Source, bound.Scale, bound.Batches.Length));

        var empty = new RunContext(definition.Id, "manual__2", "Load", new LocalDate(2024, 3, 1), new Interval(Instant.FromUnixTimeSeconds(0), Instant.FromUnixTimeSeconds(1)));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            await definition.InvokeAsync(definition["Load"], new TaskInvocation(empty, new ServiceCollection().BuildServiceProvider(), new NoOutputs())));
        Assert.Equal("Run parameter 'Symbols' of pipeline 'test_backfill_prices' has no value and no default; trigger the run with --param Symbols=<value>.", error.Message);
    }

    private sealed class NoOutputs : ITaskOutputSource
    {
        public string? GetOutputJson(string taskId) => null;
    }
}
