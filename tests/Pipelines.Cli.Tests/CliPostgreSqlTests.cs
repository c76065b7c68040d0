using Npgsql;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Cli.Tests;

/// <summary>With durable storage every verb works on the shared state, from any process.</summary>
[Collection("cli")]
public sealed class CliPostgreSqlTests : IDisposable
{
    private readonly string _connectionString = PostgresServer.CreateDatabase("cli");

    public void Dispose() => PostgresServer.DropDatabase(_connectionString);

    private string Url()
    {
        var b = new NpgsqlConnectionStringBuilder(_connectionString);
        return $"postgres://{b.Username}@{b.Host}:{b.Port}/{b.Database}";
    }

    [Fact]
    public async Task A_failed_run_is_seen_in_runs_cleared_and_run_again_to_success()
    {
        var effects = new Effects();
        effects.Flags["fail"] = 1;
        var (failedExit, failedOut, _) = await CliTests.Cli(effects, "trigger", "nightly_load", "--date", "2024-11-27", "--wait", "--json", "--storage", Url());
        Assert.Equal(1, failedExit);
        using var failed = System.Text.Json.JsonDocument.Parse(failedOut);
        var runId = failed.RootElement.GetProperty("run").GetString()!;
        Assert.Equal("failed", failed.RootElement.GetProperty("state").GetString());

        var (runsExit, runsJson, _) = await CliTests.Cli(null, "runs", "nightly_load", "--json", "--storage", _connectionString);
        Assert.Equal(0, runsExit);
        using (var runs = System.Text.Json.JsonDocument.Parse(runsJson))
        {
            var run = Assert.Single(runs.RootElement.EnumerateArray());
            Assert.Equal(runId, run.GetProperty("run").GetString());
            Assert.Equal(new[] { "failed", "upstream_failed", "upstream_failed" }, run.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("state").GetString()));
        }

        var (gridExit, grid, _) = await CliTests.Cli(null, "runs", "nightly_load", "--storage", Url());
        Assert.Equal(0, gridExit);
        Assert.Contains("11-27 failed", grid, StringComparison.Ordinal);
        Assert.Contains("upstream_failed", grid, StringComparison.Ordinal);

        effects.Flags["fail"] = 0;
        var (clearExit, clearOut, clearError) = await CliTests.Cli(effects, "clear", "nightly_load", "--run", runId, "--task", "Ingest", "--downstream", "--only-failed", "--wait", "--storage", Url());
        Assert.True(clearExit == 0, clearOut + clearError);
        Assert.Contains($"Cleared Ingest, Build, QueueRisk in run {runId}; they run again now.", clearOut, StringComparison.Ordinal);
        Assert.Contains($"Run {runId} of nightly_load (2024-11-27): success", clearOut, StringComparison.Ordinal);

        var (_, after, _) = await CliTests.Cli(null, "runs", "nightly_load", "--json", "--storage", Url());
        using var final = System.Text.Json.JsonDocument.Parse(after);
        Assert.Equal("success", final.RootElement[0].GetProperty("state").GetString());
        Assert.Equal(3, final.RootElement[0].GetProperty("tasks")[0].GetProperty("tryNumber").GetInt32());
    }

    [Fact]
    public async Task Clear_of_an_unknown_run_names_the_fix()
    {
        var (exit, _, error) = await CliTests.Cli(null, "clear", "nightly_load", "--run", "manual__nope", "--task", "Ingest", "--storage", Url());
        Assert.Equal(2, exit);
        Assert.StartsWith("error: pipeline 'nightly_load' has no run 'manual__nope' in PostgreSQL at 127.0.0.1:", error, StringComparison.Ordinal);
        Assert.EndsWith("; 'runs nightly_load' lists them.", error.Trim(), StringComparison.Ordinal);
    }
}
