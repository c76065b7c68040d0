using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Cli.Tests;

/// <summary>A Redis storage is shared state like PostgreSQL: a serve runs the work, any command reads it.</summary>
[Collection("cli")]
public sealed class CliRedisTests
{
    private static string Url()
    {
        var server = RedisServer.Configuration.Split(',')[0];
        return $"redis://{server}/1";
    }

    [Fact]
    public async Task A_run_triggered_on_redis_is_run_by_the_serve_and_listed_by_another_command()
    {
        var effects = new Effects();
        await using var serve = await InProcessServe.StartAsync(effects, Url());
        var (exit, output, error) = await CliTests.Cli(effects, "trigger", "nightly_load", "--date", "2024-11-26", "--wait", "--json", "--storage", Url());
        Assert.True(exit == 0, output + error);
        using var triggered = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal("success", triggered.RootElement.GetProperty("state").GetString());
        Assert.StartsWith("pipelines-serve:", triggered.RootElement.GetProperty("tasks")[0].GetProperty("server").GetString(), StringComparison.OrdinalIgnoreCase);

        var (runsExit, runs, _) = await CliTests.Cli(null, "runs", "nightly_load", "--storage", Url());
        Assert.Equal(0, runsExit);
        Assert.Contains("11-26 success", runs, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("redis://cache.internal:6380", "cache.internal:6380")]
    [InlineData("redis://:s3cret@10.0.0.5/2", "10.0.0.5:6379,password=s3cret,defaultDatabase=2")]
    [InlineData("rediss://app:pw@cache.internal:6380", "cache.internal:6380,user=app,password=pw,ssl=True")]
    public void A_redis_url_becomes_a_StackExchange_Redis_configuration(string url, string expected)
    {
        var spec = StorageSpec.Parse(url);
        Assert.False(spec.IsInMemory);
        Assert.Equal(expected, spec.RedisConfiguration);
    }

    [Fact]
    public async Task An_unreachable_redis_is_one_line_and_exit_code_3()
    {
        var (exit, _, error) = await CliTests.Cli(null, "runs", "nightly_load", "--storage", "redis://127.0.0.1:1");
        Assert.Equal(3, exit);
        Assert.StartsWith("error: cannot reach Redis at 127.0.0.1:1: ", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }
}
