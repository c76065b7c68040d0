using System.Text.Json;

namespace Pipelines.Cli.Tests;

/// <summary>The asset verbs: an external event posted through a running serve starts its consumer; assets lists the lineage.</summary>
public sealed class CliAssetTests
{
    private static readonly PipelineDefinition[] Pipelines = { VendorReport.Definition, AdhocReport.Definition };

    private static Task<(int Exit, string Out, string Error)> Cli(params string[] args) => CliTests.CliWith(Pipelines, null, null, CancellationToken.None, args);

    [Fact]
    public async Task Asset_event_through_serve_starts_the_consumer_whose_run_json_names_the_event()
    {
        var effects = new Effects();
        await using var serve = await InProcessServe.StartAsync(effects, pipelines: Pipelines);

        var (exit, output, error) = await Cli("asset-event", "cli.vendor", "--partition", "2024-11-27", "--extra", "rows=1200", "--json", "--server", serve.Url);
        Assert.True(exit == 0, output + error);
        using var posted = JsonDocument.Parse(output);
        Assert.Equal("cli.vendor", posted.RootElement.GetProperty("event").GetProperty("asset").GetString());
        Assert.True(posted.RootElement.GetProperty("event").GetProperty("external").GetBoolean());
        var started = Assert.Single(posted.RootElement.GetProperty("started").EnumerateArray().ToList());
        Assert.Equal("vendor_report", started.GetProperty("pipeline").GetString());
        var runId = started.GetProperty("run").GetString()!;
        Assert.StartsWith("asset__2024-11-27__", runId, StringComparison.Ordinal);

        JsonElement run = default;
        for (var i = 0; i < 200; i++)
        {
            var (_, runsJson, _) = await Cli("runs", "vendor_report", "--json", "--server", serve.Url);
            run = JsonDocument.Parse(runsJson).RootElement.EnumerateArray().Single(r => r.GetProperty("run").GetString() == runId);
            if (run.GetProperty("state").GetString() == "success") break;
            await Task.Delay(50);
        }
        Assert.Equal("success", run.GetProperty("state").GetString());
        Assert.Equal("asset", run.GetProperty("kind").GetString());
        Assert.Equal("2024-11-27", run.GetProperty("logicalDate").GetString());
        var trigger = Assert.Single(run.GetProperty("triggeredBy").EnumerateArray().ToList());
        Assert.Equal("cli.vendor", trigger.GetProperty("asset").GetString());
        Assert.Equal("1200", trigger.GetProperty("extra").GetProperty("rows").GetString());
        Assert.Contains($"{runId}/Report", effects.Log);

        var (assetsExit, assetsJson, _) = await Cli("assets", "--json", "--server", serve.Url);
        Assert.Equal(0, assetsExit);
        var assets = JsonDocument.Parse(assetsJson).RootElement.EnumerateArray().ToDictionary(a => a.GetProperty("asset").GetString()!);
        Assert.Equal(["cli.report", "cli.vendor"], assets.Keys.Order(StringComparer.Ordinal));
        Assert.True(assets["cli.vendor"].GetProperty("external").GetBoolean());
        Assert.Equal("vendor_report", assets["cli.vendor"].GetProperty("consumers")[0].GetString());
        Assert.Equal("vendor_report.Report", assets["cli.report"].GetProperty("producers")[0].GetString());
        Assert.Equal("2024-11-27", assets["cli.report"].GetProperty("latest").GetProperty("partition").GetString());
    }

    [Fact]
    public async Task Asset_event_needs_shared_state_and_a_valid_name()
    {
        var (exit, _, error) = await Cli("asset-event", "cli.vendor", "--partition", "2024-11-27");
        Assert.Equal(2, exit);
        Assert.Contains("'asset-event' needs shared state", error, StringComparison.Ordinal);

        await using var serve = await InProcessServe.StartAsync(pipelines: Pipelines);
        var (badExit, _, badError) = await Cli("asset-event", "cli vendor", "--partition", "2024-11-27", "--server", serve.Url);
        Assert.Equal(2, badExit);
        Assert.Contains("'cli vendor' is not an asset name", badError, StringComparison.Ordinal);
    }
}
