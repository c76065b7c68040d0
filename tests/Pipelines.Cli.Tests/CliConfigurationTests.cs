using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace Pipelines.Cli.Tests;

/// <summary>The app's configuration reaches every command's host: its Pipelines section is bound and checked at start, and serve maps /health.</summary>
[Collection("cli")]
public sealed class CliConfigurationTests
{
    private static IConfiguration Settings(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Theory]
    [InlineData("Pipelines:LockTimeout", "-00:00:01", "it must be positive")]          // fails validation
    [InlineData("Pipelines:Retention", "30 days", "days:hours:minutes:seconds")]     // does not parse
    [InlineData("Pipelines:LockTimout", "00:00:01", "Check the spelling")]           // a misspelled key
    public async Task A_bad_value_in_the_Pipelines_section_stops_the_command_with_one_line_naming_the_key(string key, string value, string fix)
    {
        var (exit, output, error) = await CliTests.Cli(new Effects(), Settings((key, value)), CancellationToken.None, "trigger", "adhoc_report", "--date", "2024-11-27");

        Assert.Equal(2, exit);
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: configuration: ", line, StringComparison.Ordinal);
        Assert.Contains(key.Split(':')[1], line, StringComparison.Ordinal);
        Assert.Contains(fix, line, StringComparison.Ordinal);
        Assert.DoesNotContain("Triggered", output, StringComparison.Ordinal); // nothing ran
    }

    [Fact]
    public async Task A_good_Pipelines_section_is_bound_and_the_command_runs()
    {
        var (exit, output, error) = await CliTests.Cli(new Effects(), Settings(("Pipelines:LockTimeout", "00:02:00"), ("Pipelines:Retention", "30:00:00:00")),
            CancellationToken.None, "trigger", "adhoc_report", "--date", "2024-11-27", "--wait");

        Assert.True(exit == 0, output + error);
        Assert.Contains("success", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_configuration_reads_appsettings_json_from_the_given_folder()
    {
        var folder = Directory.CreateTempSubdirectory("cli-settings-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "appsettings.json"), """{ "Pipelines": { "LockTimeout": "00:02:00" }, "MyApp": { "Folder": "/data" } }""");
            var configuration = PipelinesCliOptions.LoadConfiguration(folder);
            Assert.Equal("00:02:00", configuration["Pipelines:LockTimeout"]);
            Assert.Equal("/data", configuration["MyApp:Folder"]);
            Assert.Null(PipelinesCliOptions.LoadConfiguration(Path.Combine(folder, "missing"))["Pipelines:LockTimeout"]); // optional
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Serve_answers_GET_health_with_each_Pipelines_check_and_its_status()
    {
        await using var serve = await InProcessServe.StartAsync();
        using var http = new HttpClient();

        using var response = await http.GetAsync(serve.Url + "/health");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        var checks = json.RootElement.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal(new[] { "pipelines-deadlines", "pipelines-reconciler", "pipelines-schedules", "pipelines-storage" }, checks.Keys.Order(StringComparer.Ordinal));
        Assert.All(checks.Values, status => Assert.Equal("Healthy", status));

        // Loopback only, like the rest of serve: another name for this address is refused.
        using var rebound = new HttpRequestMessage(HttpMethod.Get, serve.Url + "/health");
        rebound.Headers.Host = $"evil.example:{serve.Port}";
        using var refused = await http.SendAsync(rebound);
        Assert.Equal(HttpStatusCode.MisdirectedRequest, refused.StatusCode);
    }
}
