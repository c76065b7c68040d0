using System.Text.Json;
using Pipelines.Hangfire;

namespace Pipelines.Cli.Tests;

/// <summary>The sample served as a user runs it: the prices and fundamentals loads land, and the risk jobs start on both.</summary>
[Collection("cli")]
public sealed class SampleAssetTests
{
    [Fact]
    public async Task Serving_the_sample_runs_the_risk_models_once_prices_and_fundamentals_have_landed()
    {
        await using var serve = await SampleProcess.ServeAsync();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{serve.Port}/") };

        // serve triggers nightly_dataload and prices for the last session; the vendor's file lands a few seconds later.
        JsonElement run = default;
        for (var i = 0; i < 600; i++)
        {
            var runs = JsonDocument.Parse(await http.GetStringAsync("api/pipelines/risk_models/runs")).RootElement.EnumerateArray().ToList();
            if (runs.Count > 0 && runs[0].GetProperty("state").GetInt32() == (int)RunState.Success) { run = runs[0]; break; }
            await Task.Delay(100);
        }
        Assert.True(run.ValueKind == JsonValueKind.Object, "risk_models did not succeed within a minute:\n" + serve.Output);
        var session = run.GetProperty("logicalDate").GetString()!;
        Assert.Equal((int)RunKind.Asset, run.GetProperty("kind").GetInt32());
        Assert.StartsWith($"asset__{session}__", run.GetProperty("runId").GetString(), StringComparison.Ordinal);
        Assert.Contains($"Triggered prices for the last NYSE session, {session}", serve.Output, StringComparison.Ordinal);

        var why = JsonDocument.Parse(await http.GetStringAsync($"api/pipelines/risk_models/assets/why?partition={session}")).RootElement;
        Assert.True(why.GetProperty("met").GetBoolean());
        Assert.Equal(["prices.daily", "fundamentals.daily"], why.GetProperty("assets").EnumerateArray().Select(a => a.GetProperty("asset").GetString()));
        Assert.Equal(["prices", "nightly_dataload"], why.GetProperty("assets").EnumerateArray().Select(a => a.GetProperty("latest").GetProperty("pipelineId").GetString()));
        Assert.EndsWith("; a run has started from these events, and a new event of prices.daily or fundamentals.daily starts another.", why.GetProperty("sentence").GetString(), StringComparison.Ordinal);

        // The fundamentals load mapped its ingest over the vendor's drop: one succeeded instance per region's file,
        // and the mapped output a reduce reads lists the files in map-index order (the listing's name order).
        var night = JsonDocument.Parse(await http.GetStringAsync("api/pipelines/nightly_dataload/runs")).RootElement.EnumerateArray().First();
        var ingests = night.GetProperty("instances").EnumerateObject().Single(p => p.Name.Equals("IngestFundamentals", StringComparison.OrdinalIgnoreCase)).Value.EnumerateArray().ToList();
        Assert.Equal(["IngestFundamentals[0]", "IngestFundamentals[1]", "IngestFundamentals[2]"], ingests.Select(i => i.GetProperty("taskId").GetString()));
        Assert.All(ingests, i => Assert.Equal((int)TaskState.Success, i.GetProperty("state").GetInt32()));
        var ingested = JsonDocument.Parse(await http.GetStringAsync($"api/pipelines/nightly_dataload/runs/{night.GetProperty("runId").GetString()}/outputs/IngestFundamentals")).RootElement;
        var compact = session.Replace("-", "", StringComparison.Ordinal);
        Assert.Equal([$"fundamentals_{compact}_amer.csv", $"fundamentals_{compact}_apac.csv", $"fundamentals_{compact}_emea.csv"],
            ingested.EnumerateArray().Select(f => Path.GetFileName(f.GetProperty("path").GetString())));
    }
}
