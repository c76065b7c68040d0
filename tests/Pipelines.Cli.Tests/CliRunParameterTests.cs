using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;

namespace Pipelines.Cli.Tests;

/// <summary>The parameters of a price backfill: typed, with defaults and constraints.</summary>
public sealed record PriceParams(IReadOnlyList<string> Symbols, bool DryRun = false, [property: Range(1, 10_000)] int MaxRows = 500);

[Pipeline("backfill_prices", Parameters = typeof(PriceParams))]
public sealed partial class BackfillPrices(Effects effects)
{
    [PipelineTask]
    public void Load([RunParameters] PriceParams p) =>
        effects.Log.Enqueue($"{string.Join("+", p.Symbols)} dryRun={p.DryRun} maxRows={p.MaxRows}");
}

/// <summary>Typed run parameters through the command line (<c>trigger --param</c>, <c>show --json</c>) and serve's JSON API.</summary>
[Collection("cli")]
public sealed class CliRunParameterTests
{
    private static readonly FakeClock Clock = new(Instant.FromUtc(2024, 11, 29, 17, 0));

    private static async Task<(int Exit, string Out, string Error)> Cli(Effects? effects, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await PipelinesCli.RunAsync(args, o =>
        {
            o.Pipelines = new[] { BackfillPrices.Definition };
            o.Out = output;
            o.Error = error;
            o.Clock = Clock;
            o.WorkerCount = 2;
            o.ConfigureServices = s => s.AddSingleton(effects ?? new Effects());
        }, CancellationToken.None);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Trigger_converts_the_params_fills_the_defaults_and_stores_them_with_the_run()
    {
        var effects = new Effects();
        var (exit, output, error) = await Cli(effects, "trigger", "backfill_prices", "--date", "2024-11-27", "--param", "symbols=AAPL,MSFT", "--param", "DRYRUN=true", "--wait", "--json");
        Assert.True(exit == 0, output + error);
        Assert.Equal("AAPL+MSFT dryRun=True maxRows=500", Assert.Single(effects.Log));
        using var json = System.Text.Json.JsonDocument.Parse(output);
        var stored = json.RootElement.GetProperty("parameters");
        Assert.Equal("AAPL,MSFT", stored.GetProperty("Symbols").GetString());
        Assert.Equal("true", stored.GetProperty("DryRun").GetString());
        Assert.Equal("500", stored.GetProperty("MaxRows").GetString());
    }

    [Theory]
    [InlineData("maxRows=ten", "error: --param maxRows=ten: maxRows must be a whole number")]
    [InlineData("maxRows=0", "error: --param maxRows=0: maxRows must be between 1 and 10000")]
    [InlineData("maxRows=99999999999", "error: --param maxRows=99999999999: maxRows must be a whole number that fits an int")]
    [InlineData("dryRun=maybe", "error: --param dryRun=maybe: dryRun must be true or false")]
    [InlineData("maxRow=5", "error: --param maxRow=5: there is no parameter 'maxRow'. Did you mean 'MaxRows'? The parameters are Symbols, DryRun, MaxRows.")]
    [InlineData("symbols=AAPL,,MSFT", "error: --param symbols=AAPL,,MSFT: symbols has an empty element at position 2; separate values with single commas.")]
    [InlineData("symbols=", "error: --param symbols=: symbols is required and cannot be empty.")]
    public async Task Trigger_with_a_bad_param_exits_2_with_one_line_saying_why(string param, string expected)
    {
        var effects = new Effects();
        var arguments = param.StartsWith("symbols", StringComparison.Ordinal)
            ? new[] { "trigger", "backfill_prices", "--date", "2024-11-27", "--param", param, "--wait" }
            : new[] { "trigger", "backfill_prices", "--date", "2024-11-27", "--param", "symbols=AAPL", "--param", param, "--wait" };
        var (exit, output, error) = await Cli(effects, arguments);
        Assert.True(exit == 2, output + error);
        Assert.Equal(expected, error.TrimEnd());
        Assert.Empty(effects.Log);
    }

    [Fact]
    public async Task Trigger_lists_every_problem_one_per_line_including_a_missing_required_value()
    {
        var (exit, _, error) = await Cli(null, "trigger", "backfill_prices", "--date", "2024-11-27", "--param", "maxRows=ten", "--param", "dryrun=maybe");
        Assert.Equal(2, exit);
        Assert.Equal(new[]
        {
            "error: --param maxRows=ten: maxRows must be a whole number",
            "error: --param dryrun=maybe: dryrun must be true or false",
            "error: --param Symbols: missing; it is required (a comma-separated list of text) and has no default.",
        }, error.TrimEnd().Split(Environment.NewLine));
    }

    [Fact]
    public async Task Show_json_prints_the_parameters_json_schema()
    {
        var (exit, output, error) = await Cli(null, "show", "backfill_prices", "--json");
        Assert.True(exit == 0, error);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        var schema = json.RootElement.GetProperty("parameters");
        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.False(schema.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal("Symbols", Assert.Single(schema.GetProperty("required").EnumerateArray()).GetString());
        var properties = schema.GetProperty("properties");
        Assert.Equal("array", properties.GetProperty("Symbols").GetProperty("type").GetString());
        Assert.Equal("string", properties.GetProperty("Symbols").GetProperty("items").GetProperty("type").GetString());
        Assert.False(properties.GetProperty("DryRun").GetProperty("default").GetBoolean());
        var maxRows = properties.GetProperty("MaxRows");
        Assert.Equal(("integer", 500, 1, 10000), (maxRows.GetProperty("type").GetString(), maxRows.GetProperty("default").GetInt32(), maxRows.GetProperty("minimum").GetInt32(), maxRows.GetProperty("maximum").GetInt32()));
    }

    [Fact]
    public async Task The_api_answers_400_with_the_reasons_and_accepts_json_typed_values()
    {
        var effects = new Effects();
        await using var serve = await InProcessServe.StartAsync(effects, pipelines: new[] { BackfillPrices.Definition });
        var token = File.ReadAllText(ServeToken.PathFor(serve.Port));
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Add(ServeToken.Header, token);
        var url = serve.Url + "/api/pipelines/backfill_prices/trigger";

        using (var bad = await http.PostAsJsonAsync(url, new { date = "2024-11-27", parameters = new Dictionary<string, object> { ["symbols"] = "AAPL", ["maxRows"] = "ten", ["maxrow"] = 5 } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            using var body = System.Text.Json.JsonDocument.Parse(await bad.Content.ReadAsStringAsync());
            Assert.Equal(new[]
            {
                "maxRows=ten: maxRows must be a whole number",
                "maxrow=5: there is no parameter 'maxrow'. Did you mean 'MaxRows'? The parameters are Symbols, DryRun, MaxRows.",
            }, body.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetString()));
        }

        using (var good = await http.PostAsJsonAsync(url, new { date = "2024-11-27", parameters = new Dictionary<string, object> { ["symbols"] = new[] { "AAPL", "MSFT" }, ["maxRows"] = 20, ["dryRun"] = true } }))
        {
            Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        }
        for (var i = 0; i < 200 && effects.Log.IsEmpty; i++) await Task.Delay(50);
        Assert.Equal("AAPL+MSFT dryRun=True maxRows=20", Assert.Single(effects.Log));
    }

    [Fact]
    public async Task An_api_backfill_takes_json_typed_values_and_refuses_a_bad_one_before_creating_any_run()
    {
        var effects = new Effects();
        await using var serve = await InProcessServe.StartAsync(effects, pipelines: new[] { BackfillPrices.Definition });
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Add(ServeToken.Header, File.ReadAllText(ServeToken.PathFor(serve.Port)));
        var url = serve.Url + "/api/pipelines/backfill_prices/backfill";

        using (var bad = await http.PostAsJsonAsync(url, new { from = "2024-11-25", to = "2024-11-26", parameters = new Dictionary<string, object> { ["symbols"] = new[] { "AAPL" }, ["maxRows"] = 0 } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            using var body = System.Text.Json.JsonDocument.Parse(await bad.Content.ReadAsStringAsync());
            Assert.Equal("maxRows=0: maxRows must be between 1 and 10000", Assert.Single(body.RootElement.GetProperty("errors").EnumerateArray()).GetString());
        }
        using (var runs = await http.GetAsync(serve.Url + "/api/pipelines/backfill_prices/runs"))
            Assert.Equal(0, System.Text.Json.JsonDocument.Parse(await runs.Content.ReadAsStringAsync()).RootElement.GetArrayLength());

        using (var good = await http.PostAsJsonAsync(url, new { from = "2024-11-25", to = "2024-11-26", parameters = new Dictionary<string, object> { ["symbols"] = new[] { "AAPL", "MSFT" }, ["maxRows"] = 20, ["dryRun"] = true } }))
        {
            Assert.Equal(HttpStatusCode.OK, good.StatusCode);
            Assert.Equal(2, System.Text.Json.JsonDocument.Parse(await good.Content.ReadAsStringAsync()).RootElement.GetArrayLength());
        }
        for (var i = 0; i < 200 && effects.Log.Count < 2; i++) await Task.Delay(50);
        Assert.Equal(new[] { "AAPL+MSFT dryRun=True maxRows=20", "AAPL+MSFT dryRun=True maxRows=20" }, effects.Log.ToArray());
    }

    [Fact]
    public async Task Trigger_with_server_checks_the_params_before_calling_the_server()
    {
        await using var serve = await InProcessServe.StartAsync(pipelines: new[] { BackfillPrices.Definition });
        var (exit, _, error) = await Cli(null, "trigger", "backfill_prices", "--date", "2024-11-27", "--param", "maxRows=ten", "--server", serve.Url);
        Assert.Equal(2, exit);
        Assert.Equal(new[]
        {
            "error: --param maxRows=ten: maxRows must be a whole number",
            "error: --param Symbols: missing; it is required (a comma-separated list of text) and has no default.",
        }, error.TrimEnd().Split(Environment.NewLine));
    }
}
