using System.Net;
using System.Net.Http.Json;

namespace Pipelines.Cli.Tests;

/// <summary>serve's JSON API over real HTTP refuses what a web page in the user's browser could send it.</summary>
[Collection("cli")]
public sealed class ServeApiSecurityTests
{
    private static readonly object Trigger = new { date = "2024-11-27" };

    [Theory]
    [InlineData("evil.example:{0}")]              // a page that rebound its name to 127.0.0.1 sends its own name
    [InlineData("127.0.0.1:1")]                    // the right address, another port
    [InlineData("localhost.evil.example:{0}")]
    public async Task A_request_addressed_to_another_host_is_refused_with_421(string host)
    {
        await using var serve = await InProcessServe.StartAsync();
        using var http = new HttpClient();
        foreach (var path in new[] { "/api/pipelines", "/hangfire" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, serve.Url + path);
            request.Headers.Host = string.Format(System.Globalization.CultureInfo.InvariantCulture, host, serve.Port);
            using var response = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.MisdirectedRequest, response.StatusCode);
        }
    }

    [Theory]
    [InlineData("127.0.0.1:{0}")]
    [InlineData("localhost:{0}")]
    [InlineData("LOCALHOST:{0}")]
    [InlineData("[::1]:{0}")]
    public async Task A_request_addressed_to_a_loopback_name_and_the_port_is_answered(string host)
    {
        await using var serve = await InProcessServe.StartAsync();
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, serve.Url + "/api/pipelines");
        request.Headers.Host = string.Format(System.Globalization.CultureInfo.InvariantCulture, host, serve.Port);
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_post_needs_the_token_serve_wrote_to_a_file_only_its_user_can_read()
    {
        await using var serve = await InProcessServe.StartAsync();
        var path = ServeToken.PathFor(serve.Port);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var token = File.ReadAllText(path);
        using var http = new HttpClient();
        var url = serve.Url + "/api/pipelines/nightly_load/trigger";

        using (var none = await http.PostAsJsonAsync(url, Trigger))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
            Assert.Contains(path, await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var wrong = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(Trigger) })
        {
            wrong.Headers.Add(ServeToken.Header, new string('0', token.Length));
            Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(wrong)).StatusCode);
        }
        using (var right = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(Trigger) })
        {
            right.Headers.Add(ServeToken.Header, token);
            using var response = await http.SendAsync(right);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("{\"run\":\"manual__2024-11-27__", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(0, await serve.StopAsync());
        Assert.False(File.Exists(path)); // the token dies with its serve
    }

    [Fact]
    public async Task A_dashboard_action_posted_by_another_page_is_refused()
    {
        // A web page elsewhere can make the browser POST a form to 127.0.0.1; the dashboard's own pages carry Hangfire's
        // antiforgery token, that page cannot.
        await using var serve = await InProcessServe.StartAsync();
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, serve.Url + "/hangfire/pipelines/nightly_load/pause")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>()),
        };
        request.Headers.Add("Origin", "http://evil.example");
        using var response = await http.SendAsync(request);
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"answered {(int)response.StatusCode}");
        var (_, listed, _) = await CliTests.Cli(null, "list", "--json", "--server", serve.Url);
        Assert.Contains("\"paused\":false", listed.Replace(" ", ""), StringComparison.Ordinal);
        Assert.DoesNotContain("\"paused\":true", listed.Replace(" ", ""), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cli_client_sends_the_token_so_its_posts_pass()
    {
        await using var serve = await InProcessServe.StartAsync();
        var (exit, output, error) = await CliTests.Cli(null, "trigger", "adhoc_report", "--date", "2024-11-27", "--server", serve.Url);
        Assert.True(exit == 0, output + error);
        Assert.StartsWith("Triggered adhoc_report for 2024-11-27 as run manual__2024-11-27__", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_backfill_of_more_than_1000_runs_is_refused_with_400_naming_the_limit_and_the_fix()
    {
        await using var serve = await InProcessServe.StartAsync();
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Add(ServeToken.Header, File.ReadAllText(ServeToken.PathFor(serve.Port)));
        foreach (var pipeline in new[] { "nightly_load", "adhoc_report" }) // with a calendar (sessions) and without (days)
        {
            using var response = await http.PostAsJsonAsync($"{serve.Url}/api/pipelines/{pipeline}/backfill", new { from = "0001-01-01", to = "9999-12-31" });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal($"a backfill creates at most 1000 runs, and 0001-01-01..9999-12-31 of '{pipeline}' holds more; split the range into backfills of at most 1000 runs each.",
                (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("error").GetString());
        }
        using var runs = await http.GetAsync($"{serve.Url}/api/pipelines/adhoc_report/runs");
        Assert.Equal("[]", await runs.Content.ReadAsStringAsync());

        // The CLI says the same in one line, whether it goes through a server or not.
        var (exit, output, error) = await CliTests.Cli(null, "backfill", "adhoc_report", "--from", "2020-01-01", "--to", "2024-12-31", "--server", serve.Url);
        Assert.Equal(2, exit);
        Assert.Equal("error: a backfill creates at most 1000 runs, and 2020-01-01..2024-12-31 of 'adhoc_report' holds more; split the range into backfills of at most 1000 runs each.", error.Trim());
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("no_such_pipeline", "Ingest", "no pipeline 'no_such_pipeline'")]
    [InlineData("nightly_load", "NoSuchTask", "pipeline 'nightly_load' has no task 'NoSuchTask'")]
    [InlineData("nightly_load", "Ingest", "pipeline 'nightly_load' has no run 'manual__nope'")]
    public async Task An_output_of_an_unknown_pipeline_task_or_run_is_404(string pipeline, string task, string error)
    {
        await using var serve = await InProcessServe.StartAsync();
        using var http = new HttpClient();
        using var response = await http.GetAsync($"{serve.Url}/api/pipelines/{pipeline}/runs/manual__nope/outputs/{task}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(error, (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("error").GetString());
    }
}
