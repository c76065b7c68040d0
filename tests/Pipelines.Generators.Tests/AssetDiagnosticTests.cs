using Microsoft.CodeAnalysis;
using Pipelines.Generators.Tests.Infrastructure;
using Pipelines.Generators.Validation;

namespace Pipelines.Generators.Tests;

/// <summary>Data-aware scheduling at compile time: each asset diagnostic with its exact span and message, and what passes.</summary>
public sealed class AssetDiagnosticTests
{
    private const string Usings = "using System; using System.Threading; using System.Threading.Tasks; using Pipelines;\n";

    private const string Producers = """
        [Pipeline("prices")]
        public partial class Prices { [PipelineTask, Produces("prices.daily")] public void LoadPrices() { } }
        [Pipeline("fundamentals")]
        public partial class Fundamentals { [PipelineTask, Produces("fundamentals.daily")] public void LoadFundamentals() { } }
        """;

    private static async Task<Diagnostic> AssertSingle(string markup, string id, string message)
    {
        var (source, span) = Markup.Parse(Usings + markup);
        var build = await GeneratorHarness.BuildAsync(source);
        var diagnostic = Assert.Single(build.Ours);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(message, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(span, diagnostic.Location.SourceSpan);
        Assert.Equal($"https://github.com/pipelines-dotnet/pipelines/blob/main/docs/diagnostics/{id}.md", diagnostic.Descriptor.HelpLinkUri);
        Assert.DoesNotContain(build.Output.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
        return diagnostic;
    }

    [Fact]
    public Task PIPE050_malformed_asset_condition_gives_the_parsers_reason_on_the_schedule() => AssertSingle(Producers + """
        [Pipeline("risk_model", Schedule = [|"@assets(prices.daily &)"|])]
        public partial class RiskModel { [PipelineTask] public void Run() { } }
        """, "PIPE050", "Schedule '@assets(prices.daily &)' of pipeline 'risk_model' is invalid: expected an asset name but the condition ends after 'prices.daily &'. Write @assets(name), combining names with '&' (all of them), '|' (any of them) and parentheses, optionally followed by '| cron' to run on time too, as in \"@assets(prices.daily & fundamentals.daily) | 0 6 * * 1-5\".");

    [Theory]
    [InlineData("@assets(prices.daily", "the '(' after @assets is never closed")]
    [InlineData("@assets prices.daily", "@assets needs its assets in parentheses, as in @assets(prices.daily & fundamentals.daily)")]
    [InlineData("@assets()", "@assets() names no asset; write at least one, as in @assets(prices.daily)")]
    [InlineData("@assets((prices.daily | fundamentals.daily) fundamentals.daily)", "expected '&', '|' or ')' at position 37 of the condition but found 'f'")]
    [InlineData("@assets(prices.daily) 0 6 * * *", "'0 6 * * *' after @assets(...) is not '| schedule'; add a time schedule with '|', as in @assets(prices.daily) | 0 6 * * 1-5")]
    [InlineData("@assets(prices.daily) | 0 6 * *", "a cron expression has 5 fields (minute hour day-of-month month day-of-week), or 6 with seconds first, but this one has 4")]
    [InlineData("@assets(prices.daily) | @once", "@once cannot be combined with @assets(...); use a cron expression, a preset or a session time after '|'")]
    public async Task PIPE050_reasons(string schedule, string reason)
    {
        var build = await GeneratorHarness.BuildAsync(Usings + Producers + $$"""
            [Pipeline("risk_model", Schedule = "{{schedule}}")]
            public partial class RiskModel { [PipelineTask] public void Run() { } }
            """);
        var diagnostic = Assert.Single(build.Ours);
        Assert.Equal("PIPE050", diagnostic.Id);
        Assert.Contains($"is invalid: {reason}. Write @assets", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public Task PIPE051_produced_asset_name_must_be_readable_in_a_schedule() => AssertSingle("""
        [Pipeline("prices")]
        public partial class Prices { [PipelineTask, Produces("prices.daily", [|"prices daily"|])] public void LoadPrices() { } }
        """, "PIPE051", "Asset name 'prices daily' of task 'LoadPrices' is invalid: 'prices daily' holds ' '; an asset name holds only letters, digits and '.', '_', '-', ':' and '/'. Name assets like \"prices.daily\".");

    [Fact]
    public Task PIPE051_external_asset_name_is_checked_too() => AssertSingle("""
        [assembly: ExternalAsset([|"-vendor"|])]
        """, "PIPE051", "Asset name '-vendor' of [assembly: ExternalAsset] is invalid: '-vendor' starts with '-'; an asset name starts with a letter or a digit. Name assets like \"prices.daily\".");

    [Fact]
    public Task PIPE052_consumed_asset_nothing_produces_suggests_the_closest_on_its_name() => AssertSingle(Producers + """
        [Pipeline("risk_model", Schedule = "@assets(fundamentals.daily & [|prices.daly|]) | 0 6 * * 1-5")]
        public partial class RiskModel { [PipelineTask] public void Run() { } }
        """, "PIPE052", "Pipeline 'risk_model' is scheduled on asset 'prices.daly', which no task in this assembly produces. Did you mean 'prices.daily'? Add [Produces(\"prices.daly\")] to the task that writes it, or declare [assembly: ExternalAsset(\"prices.daly\")] when another system produces it.");

    [Fact]
    public async Task PIPE052_is_a_warning_and_the_pipeline_is_still_generated()
    {
        var build = await GeneratorHarness.BuildAsync(Usings + """
            [Pipeline("risk_model", Schedule = "@assets(vendor.fundamentals)")]
            public partial class RiskModel { [PipelineTask] public void Run() { } }
            """);
        var diagnostic = Assert.Single(build.Ours);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Contains("which no task in this assembly produces. Add [Produces", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.NotNull(build.SourceFor("RiskModel.Pipeline.g.cs"));
    }

    [Fact]
    public Task PIPE054_a_pipeline_with_closed_assets_makes_an_unproduced_asset_an_error_with_the_suggestion() => AssertSingle(Producers + """
        [Pipeline("risk_model", Schedule = "@assets(fundamentals.daily & [|prices.daly|])", ClosedAssets = true)]
        public partial class RiskModel { [PipelineTask] public void Run() { } }
        """, "PIPE054", "Pipeline 'risk_model' declares its assets closed and is scheduled on asset 'prices.daly', which no task in this assembly produces and no [assembly: ExternalAsset] declares. Did you mean 'prices.daily'? Add [Produces(\"prices.daly\")] to the task that writes it, declare [assembly: ExternalAsset(\"prices.daly\")] when another system produces it, or remove ClosedAssets = true.");

    [Fact]
    public async Task PIPE054_is_an_error_only_for_the_closed_pipeline_and_the_others_keep_the_PIPE052_warning()
    {
        var build = await GeneratorHarness.BuildAsync(Usings + Producers + """
            [Pipeline("risk_model", Schedule = "@assets(vendor.fundamentals)", ClosedAssets = true)]
            public partial class RiskModel { [PipelineTask] public void Run() { } }
            [Pipeline("scratch", Schedule = "@assets(vendor.fundamentals)")]
            public partial class Scratch { [PipelineTask] public void Run() { } }
            [Pipeline("open_model", Schedule = "@assets(vendor.fundamentals)", ClosedAssets = false)]
            public partial class OpenModel { [PipelineTask] public void Run() { } }
            """);
        Assert.Equal(
            [("PIPE054", DiagnosticSeverity.Error, "risk_model"), ("PIPE052", DiagnosticSeverity.Warning, "scratch"), ("PIPE052", DiagnosticSeverity.Warning, "open_model")],
            build.Ours.OrderBy(d => d.Location.SourceSpan.Start).Select(d => (d.Id, d.Severity, d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Split('\'')[1])));
    }

    [Fact]
    public async Task Closed_assets_that_are_produced_or_declared_external_pass()
    {
        var build = await GeneratorHarness.BuildAsync(Usings + "[assembly: ExternalAsset(\"vendor.fundamentals\")]\n" + Producers + """
            [Pipeline("risk_model", Schedule = "@assets((prices.daily | fundamentals.daily) & vendor.fundamentals) | 0 6 * * 1-5", ClosedAssets = true)]
            public partial class RiskModel { [PipelineTask] public void Run() { } }
            """);
        Assert.Empty(build.Ours);
    }

    [Fact]
    public Task PIPE055_closed_assets_on_a_pipeline_not_scheduled_on_assets_is_flagged_on_the_setting() => AssertSingle("""
        [Pipeline("report", Schedule = "0 6 * * 1-5", ClosedAssets = [|true|])]
        public partial class Report { [PipelineTask] public void Send() { } }
        """, "PIPE055", "Pipeline 'report' sets ClosedAssets = true, but its schedule reads no asset, so there is nothing to check. Schedule it on assets, as in Schedule = \"@assets(prices.daily)\", or remove ClosedAssets.");

    [Fact]
    public Task PIPE055_applies_to_a_pipeline_triggered_by_hand_too() => AssertSingle("""
        [Pipeline("report", ClosedAssets = [|true|])]
        public partial class Report { [PipelineTask] public void Send() { } }
        """, "PIPE055", "Pipeline 'report' sets ClosedAssets = true, but its schedule reads no asset, so there is nothing to check. Schedule it on assets, as in Schedule = \"@assets(prices.daily)\", or remove ClosedAssets.");

    [Fact]
    public async Task External_assets_and_produced_assets_satisfy_an_asset_or_time_schedule()
    {
        var build = await GeneratorHarness.BuildAsync(Usings + "[assembly: ExternalAsset(\"vendor.fundamentals\")]\n" + Producers + """
            [Pipeline("risk_model", Schedule = "@assets((prices.daily | fundamentals.daily) & vendor.fundamentals) | @session_close+00:30", Calendar = "XNYS", TimeZone = "America/New_York")]
            public partial class RiskModel { [PipelineTask, Produces("risk.daily")] public void Run() { } }
            """);
        Assert.Empty(build.Ours);
        Assert.Contains("Produces = global::System.Collections.Immutable.ImmutableArray.Create(\"risk.daily\"),", build.SourceFor("RiskModel.Pipeline.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Assets_a_referenced_library_produces_or_declares_external_need_no_declaration_in_the_app()
    {
        // A library with a public and an internal pipeline, each with a public [Produces] task, and an external asset.
        var library = GeneratorHarness.Compile(Usings + """
            [assembly: ExternalAsset("vendor.fundamentals")]
            namespace Market;
            [Pipeline("prices")]
            public partial class Prices { [PipelineTask, Produces("prices.daily")] public void LoadPrices() { } }
            public static class Feeds
            {
                [Pipeline("intraday")]
                internal partial class Intraday { [PipelineTask, Produces("prices.intraday")] public void Load() { } }
            }
            """).WithAssemblyName("MarketData");
        using var image = new MemoryStream();
        var emitted = library.Emit(image);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics));

        var app = GeneratorHarness.Compile(Usings + """
            [Pipeline("risk_model", Schedule = "@assets((prices.daily | prices.intraday) & vendor.fundamentals)", ClosedAssets = true)]
            public partial class RiskModel { [PipelineTask] public void Run() { } }
            """).AddReferences(MetadataReference.CreateFromImage(image.ToArray()));
        var (output, _, _) = GeneratorHarness.Generate(app);

        Assert.Empty((await GeneratorHarness.AnalyzeAsync(output)).Where(d => d.Id.StartsWith("PIPE", StringComparison.Ordinal)));
        // Without the library the same app fails to build: the check does look at the reference.
        var (alone, _, _) = GeneratorHarness.Generate(GeneratorHarness.Compile(Usings + """
            [Pipeline("risk_model", Schedule = "@assets((prices.daily | prices.intraday) & vendor.fundamentals)", ClosedAssets = true)]
            public partial class RiskModel { [PipelineTask] public void Run() { } }
            """));
        Assert.Equal(["PIPE054", "PIPE054", "PIPE054"], (await GeneratorHarness.AnalyzeAsync(alone)).Where(d => d.Id.StartsWith("PIPE", StringComparison.Ordinal)).Select(d => d.Id));
    }

    [Fact]
    public async Task A_misspelt_asset_is_suggested_from_a_referenced_librarys_producers()
    {
        var library = GeneratorHarness.Compile(Usings + """
            namespace Market;
            [Pipeline("prices")]
            public partial class Prices { [PipelineTask, Produces("prices.daily")] public void LoadPrices() { } }
            """).WithAssemblyName("MarketData");
        using var image = new MemoryStream();
        Assert.True(library.Emit(image).Success);
        var app = GeneratorHarness.Compile(Usings + """
            [Pipeline("risk_model", Schedule = "@assets(prices.daly)")]
            public partial class RiskModel { [PipelineTask] public void Run() { } }
            """).AddReferences(MetadataReference.CreateFromImage(image.ToArray()));
        var (output, _, _) = GeneratorHarness.Generate(app);
        var diagnostic = Assert.Single((await GeneratorHarness.AnalyzeAsync(output)).Where(d => d.Id.StartsWith("PIPE", StringComparison.Ordinal)));
        Assert.Contains("which no task in this assembly produces. Did you mean 'prices.daily'? ", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PIPE053_pipelines_starting_each_other_name_the_whole_path_where_the_cycle_closes()
    {
        // Reported where the first pipeline (by id) reads the asset the last one hands back; the other reader is an additional location.
        var diagnostic = await AssertSingle("""
        [Pipeline("contest", Schedule = "@assets([|risk.daily|])")]
        public partial class Contest { [PipelineTask, Produces("contest.scores")] public void Score() { } }
        [Pipeline("risk_model", Schedule = "@assets(prices.daily | contest.scores)")]
        public partial class RiskModel { [PipelineTask, Produces("risk.daily")] public void Build() { } }
        [Pipeline("prices")]
        public partial class Prices { [PipelineTask, Produces("prices.daily")] public void Load() { } }
        """, "PIPE053", "Pipelines start each other through assets in a cycle: 'contest' produces 'contest.scores' for 'risk_model' produces 'risk.daily' for 'contest'. Remove one of these assets from a schedule or a [Produces] so a run cannot lead back to itself.");
        Assert.Equal("contest.scores", Assert.Single(diagnostic.AdditionalLocations).SourceTree!.GetText().ToString(Assert.Single(diagnostic.AdditionalLocations).SourceSpan));
    }

    [Fact]
    public Task PIPE053_a_pipeline_reading_what_it_produces_is_a_cycle_of_one() => AssertSingle("""
        [Pipeline("risk_model", Schedule = "@assets([|risk.daily|])")]
        public partial class RiskModel { [PipelineTask, Produces("risk.daily")] public void Build() { } }
        """, "PIPE053", "Pipelines start each other through assets in a cycle: 'risk_model' produces 'risk.daily' for 'risk_model'. Remove one of these assets from a schedule or a [Produces] so a run cannot lead back to itself.");

    [Fact]
    public void Asset_graph_is_iterative_across_ten_thousand_pipelines()
    {
        // p0 -> p1 -> ... -> p9999 -> p0: a recursive walk would overflow the stack long before this.
        const int count = 10_000;
        var pipelines = Enumerable.Range(0, count)
            .Select(i => new AssetGraph.Pipeline($"p{i:D5}", new[] { $"a{i}" }, new[] { $"a{(i + count - 1) % count}" }))
            .ToList();
        var cycle = Assert.Single(AssetGraph.FindCycles(pipelines));
        Assert.Equal(count, cycle.Pipelines.Count);
        Assert.Equal(0, cycle.Pipelines[0]);
        Assert.Empty(AssetGraph.FindUnknown(pipelines, []));
    }
}
