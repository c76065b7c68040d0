using Microsoft.CodeAnalysis;
using Pipelines.Generators.Tests.Infrastructure;

namespace Pipelines.Generators.Tests;

/// <summary>
/// Generated code for a mapped pipeline (map, reduce, map after reduce), compared exactly with
/// Snapshots/Mapped.verified.cs. Accept intended changes with PIPELINES_ACCEPT_SNAPSHOTS=1 and review the diff.
/// </summary>
public sealed class MappingSnapshotTests
{
    private const string Usings = "using System; using System.Collections.Generic; using System.Threading; using System.Threading.Tasks; using Pipelines;\n";

    [Fact]
    public async Task Mapped_pipeline_binds_one_element_per_instance_and_reduces_without_reflection()
    {
        var build = await GeneratorHarness.BuildAsync(Usings + """
            namespace Acme.Loads;

            public sealed record VendorFile([property: MapLabel] string Name);
            public sealed record Loaded(string Name, int Rows);
            public interface IVendorClient { Task<IReadOnlyList<VendorFile>> ListAsync(CancellationToken cancellationToken); }

            [Pipeline("nightly_mapped", Schedule = "0 4 * * 1-5", TimeZone = "America/New_York")]
            public sealed partial class NightlyMapped(IVendorClient vendor)
            {
                [PipelineTask]
                public Task<IReadOnlyList<VendorFile>> ListVendorFiles(CancellationToken cancellationToken) => vendor.ListAsync(cancellationToken);

                [PipelineTask(Retries = 2, RetryDelay = "00:01:00", MaxMapLength = 200)]
                public Task<Loaded> Load([MapOver(nameof(ListVendorFiles))] VendorFile file, [FromTask(nameof(ListVendorFiles))] IReadOnlyList<VendorFile> all, RunContext run) =>
                    Task.FromResult(new Loaded(file.Name, all.Count + (run.MapIndex ?? 0)));

                [PipelineTask]
                public int[] Rows([FromTask(nameof(Load))] IReadOnlyList<Loaded> loaded) => new int[loaded.Count];

                [PipelineTask]
                public ValueTask<long> Check([MapOver(nameof(Rows))] long rows) => new(rows);

                [PipelineTask(Trigger = TriggerRule.AllDone)]
                public void Report([FromTask(nameof(Check))] long[] checkedRows, [FromTask(nameof(Load))] IEnumerable<Loaded> loaded) { }
            }
            """);
        Assert.Empty(build.Problems);
        Assert.Empty(build.GeneratorDiagnostics);
        Assert.All(build.Run.Results, r => Assert.Null(r.Exception));
        Assert.Empty(build.Output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var source = build.SourceFor("Acme.Loads.NightlyMapped.Pipeline.g.cs")!;
        Assert.DoesNotContain("System.Reflection", source, StringComparison.Ordinal);
        Snapshot.Verify(source, "Mapped");
    }
}
