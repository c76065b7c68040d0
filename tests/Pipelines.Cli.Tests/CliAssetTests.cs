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

    [Fact]
    public async Task Why_on_an_asset_scheduled_pipeline_says_what_it_waits_for_and_when_the_rest_arrived()
    {
        PipelineDefinition[] pipelines = { VendorAudit.Definition };
        Task<(int Exit, string Out, string Error)> Run(params string[] args) => CliTests.CliWith(pipelines, null, null, CancellationToken.None, args);
        await using var serve = await InProcessServe.StartAsync(pipelines: pipelines);

        var (_, posted, _) = await Run("asset-event", "cli.vendor", "--partition", "2024-11-27", "--extra", "rows=1200", "--json", "--server", serve.Url);
        var vendorEvent = JsonDocument.Parse(posted).RootElement.GetProperty("event");
        var eventId = vendorEvent.GetProperty("id").GetString();
        // The pipeline's time zone is UTC; the event arrived today, not on the partition's day, so its date is named.
        var arrived = NodaTime.Text.InstantPattern.ExtendedIso.Parse(vendorEvent.GetProperty("at").GetString()!).Value.InUtc().ToString("uuuu-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture);

        var (exit, output, error) = await Run("why", "vendor_audit", "--partition", "2024-11-27", "--server", serve.Url);
        Assert.True(exit == 0, output + error);
        Assert.Equal(
            $"NOT MET  Assets (cli.vendor & cli.signoff): Waiting for cli.signoff for 2024-11-27; cli.vendor arrived {arrived}.\n" +
            $"         cli.vendor   event {eventId}, posted from outside; rows=1200\n" +
            "         cli.signoff  not arrived\n",
            output.Replace("\r\n", "\n", StringComparison.Ordinal));

        // Without --partition: the partition the last event arrived for. --json prints the same object.
        var (_, json, _) = await Run("why", "vendor_audit", "--json", "--server", serve.Url);
        var root = JsonDocument.Parse(json).RootElement;
        Assert.Equal("2024-11-27", root.GetProperty("partition").GetString());
        Assert.False(root.GetProperty("met").GetBoolean());
        Assert.Equal($"Waiting for cli.signoff for 2024-11-27; cli.vendor arrived {arrived}.", root.GetProperty("sentence").GetString());
        Assert.Equal([true, false], root.GetProperty("assets").EnumerateArray().Select(a => a.GetProperty("arrived").GetBoolean()));

        await Run("asset-event", "cli.signoff", "--partition", "2024-11-27", "--server", serve.Url);
        var (_, met, _) = await Run("why", "vendor_audit", "--partition", "2024-11-27", "--server", serve.Url);
        Assert.StartsWith("met      Assets (cli.vendor & cli.signoff): Met for 2024-11-27; cli.vendor arrived ", met, StringComparison.Ordinal);
        Assert.Contains("a run has started from these events", met, StringComparison.Ordinal);

        // An event for an older session arrives last: that is the partition explained, not the newest date.
        await Run("asset-event", "cli.vendor", "--partition", "2024-11-20", "--server", serve.Url);
        var (_, older, _) = await Run("why", "vendor_audit", "--json", "--server", serve.Url);
        Assert.Equal("2024-11-20", JsonDocument.Parse(older).RootElement.GetProperty("partition").GetString());
    }

    [Fact]
    public async Task Why_without_a_run_refuses_a_pipeline_not_scheduled_on_assets()
    {
        var (exit, _, error) = await CliTests.CliWith([AdhocReport.Definition], null, null, CancellationToken.None, "why", "adhoc_report");
        Assert.Equal(2, exit);
        Assert.Contains("pipeline 'adhoc_report' is not scheduled on assets, so only a task of a run can be asked about: why adhoc_report <run> <task>", error, StringComparison.Ordinal);
    }
}
