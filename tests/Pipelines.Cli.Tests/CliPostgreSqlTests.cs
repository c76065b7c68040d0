using Microsoft.Extensions.Configuration;
using System.Text.Json;
using Npgsql;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Cli.Tests;

/// <summary>With durable storage every verb works on the shared state, from any process.</summary>
[Collection("cli")]
public sealed class CliPostgreSqlTests : IDisposable
{
    private readonly string _connectionString = PostgresServer.CreateDatabase("cli");

    public void Dispose() => PostgresServer.DropDatabase(_connectionString);

    private const string Form = "write it as postgres://user:password@host:5432/database (several hosts as host1:5432,host2:5432; parameters after '?', such as ?sslmode=require), or pass an Npgsql connection string.";

    private string Url()
    {
        var b = new NpgsqlConnectionStringBuilder(_connectionString);
        return $"postgres://{b.Username}@{b.Host}:{b.Port}/{b.Database}";
    }

    [Theory]
    [InlineData("postgres://etl:s3cret@db.internal:6432/warehouse", "Host=db.internal;Port=6432;Database=warehouse;Username=etl;Password=s3cret")]
    [InlineData("postgresql://etl@db.internal/warehouse?sslmode=verify-full&sslrootcert=%2Fetc%2Fssl%2Fca.pem",
        "Host=db.internal;Port=5432;Database=warehouse;Username=etl;SSL Mode=VerifyFull;Root Certificate=/etc/ssl/ca.pem")]
    [InlineData("postgres://etl@[::1]:5433/warehouse?application_name=nightly%20load&connect_timeout=10&password=a+b%26c&target_session_attrs=read-write",
        "Host=::1;Port=5433;Database=warehouse;Username=etl;Application Name=nightly load;Timeout=10;Password='a+b&c';Target Session Attributes=read-write")]
    [InlineData("postgres:///warehouse?host=%2Fvar%2Frun%2Fpostgresql&user=etl", "Port=5432;Database=warehouse;Host=/var/run/postgresql;Username=etl")]
    [InlineData("postgres://db.internal/warehouse?Maximum%20Pool%20Size=50", "Host=db.internal;Port=5432;Database=warehouse;Maximum Pool Size=50")]
    [InlineData("postgres://etl@db.internal?gssencmode=disable&load_balance_hosts=random", "Host=db.internal;Port=5432;Username=etl;GSS Encryption Mode=Disable;Load Balance Hosts=true")]
    // Several hosts (libpq's form): Npgsql's host list, each with its own port or the list's.
    [InlineData("postgres://etl:s3cret@db1:5433,db2,[2001:db8::7]:5434/warehouse?target_session_attrs=primary",
        "Host=db1:5433,db2,[2001:db8::7]:5434;Port=5432;Database=warehouse;Username=etl;Password=s3cret;Target Session Attributes=primary")]
    [InlineData("postgresql://db1,db2/warehouse?port=6432&load_balance_hosts=random", "Host=db1,db2;Port=6432;Database=warehouse;Load Balance Hosts=true")]
    [InlineData("postgres://%2Fvar%2Frun%2Fpostgresql,db2:5433/warehouse", "Host=/var/run/postgresql,db2:5433;Port=5432;Database=warehouse")]
    // A ?host= parameter names the hosts, as a keyword given after the host part does in libpq.
    [InlineData("postgres://db1,db2/warehouse?host=db3", "Host=db3;Port=5432;Database=warehouse")]
    public void A_postgres_url_keeps_its_parameters_in_the_connection_string(string url, string expected)
    {
        var spec = StorageSpec.Parse(url);
        Assert.Equal(new NpgsqlConnectionStringBuilder(expected).ConnectionString, spec.PostgresConnectionString);
    }

    [Theory]
    [InlineData("postgres://db.internal/warehouse?sslmode=sometimes", "error: 'sslmode' in 'postgres://db.internal/warehouse?sslmode=sometimes' does not take 'sometimes': ")]
    [InlineData("postgres://db.internal/warehouse?sslpassword=k3y&sslmode=sometimes", "error: 'sslmode' in 'postgres://db.internal/warehouse?sslpassword=***&sslmode=sometimes' does not take 'sometimes': ")]
    [InlineData("postgres://db.internal/warehouse?sslmode=42", "error: 'sslmode' in 'postgres://db.internal/warehouse?sslmode=42' does not take '42'.")]
    [InlineData("postgres://db.internal/warehouse?Maximum%20Pool%20Size=lots", "error: 'Maximum Pool Size' in 'postgres://db.internal/warehouse?Maximum%20Pool%20Size=lots' does not take 'lots': ")]
    [InlineData("postgres://etl:s3cret@db.internal/warehouse?ssl_mode=require", "error: 'ssl_mode' in 'postgres://etl:***@db.internal/warehouse?ssl_mode=require' is not a PostgreSQL connection parameter; use libpq's names (sslmode, sslrootcert, application_name, connect_timeout, target_session_attrs, options, ...) or Npgsql's keywords.")]
    [InlineData("postgres://etl@db.internal/warehouse?password=s3cret&sslmode", "error: 'sslmode' in 'postgres://etl@db.internal/warehouse?password=***&sslmode' is not a parameter; " + Form)]
    [InlineData("postgres://etl@db.internal/warehouse?password=pa#ss", "error: 'postgres://etl@db.internal/warehouse?password=***' has a '#', which ends a URL; write a '#' in a password or a value as %23.")]
    [InlineData("postgres://etl:pa#ss@db.internal/warehouse", "error: 'postgres://etl:***@db.internal/warehouse' is not a PostgreSQL URL this command reads (a character in a password or a name may need percent-encoding, such as %23 for '#'); " + Form)]
    [InlineData("postgres://h1:5432,,h2/warehouse", "error: '' in 'postgres://h1:5432,,h2/warehouse' is not a host; give each host of a list as name, name:port, [IPv6 address] or [IPv6 address]:port (a port from 1 to 65535); " + Form)]
    [InlineData("postgres://etl:s3cret@h1:5432,h2:99999/warehouse", "error: 'h2:99999' in 'postgres://etl:***@h1:5432,h2:99999/warehouse' is not a host; give each host of a list as name, name:port, [IPv6 address] or [IPv6 address]:port (a port from 1 to 65535); " + Form)]
    [InlineData("postgres://h1,[::1/warehouse", "error: '[::1' in 'postgres://h1,[::1/warehouse' is not a host; give each host of a list as name, name:port, [IPv6 address] or [IPv6 address]:port (a port from 1 to 65535); " + Form)]
    [InlineData("postgres:///warehouse", "error: 'postgres:///warehouse' names no host; " + Form)]
    [InlineData("postgres://127.0.0.1:1/warehouse?target_session_attrs=read-write", "error: the connection settings for PostgreSQL at 127.0.0.1:1/warehouse do not go together: ")]
    public async Task A_postgres_url_with_a_bad_parameter_is_one_line_and_exit_code_2(string url, string expected)
    {
        var (exit, _, error) = await CliTests.Cli(null, "runs", "nightly_load", "--storage", url);
        Assert.Equal(2, exit);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_url_with_several_hosts_reaches_the_one_that_answers_and_runs_a_pipeline()
    {
        // The first host refuses connections (port 1): every connection the serve and the command open goes to the next,
        // the tests' server, which read-write accepts as a primary.
        var b = new NpgsqlConnectionStringBuilder(_connectionString);
        var url = $"postgres://{b.Username}@127.0.0.1:1,{b.Host}:{b.Port}/{b.Database}?target_session_attrs=read-write";
        var effects = new Effects();
        await using (var serve = await InProcessServe.StartAsync(effects, url))
        {
            var (exit, output, error) = await CliTests.Cli(effects, "trigger", "nightly_load", "--date", "2024-11-27", "--wait", "--json", "--storage", url);
            Assert.True(exit == 0, output + error);
            using var run = JsonDocument.Parse(output);
            Assert.Equal("success", run.RootElement.GetProperty("state").GetString());
            Assert.All(run.RootElement.GetProperty("tasks").EnumerateArray(), t => Assert.Equal("success", t.GetProperty("state").GetString()));
        }

        // No host answers: one line naming every host with its port, exit code 3.
        var (downExit, _, downError) = await CliTests.Cli(null, "runs", "nightly_load", "--storage", $"postgres://{b.Username}@127.0.0.1:1,127.0.0.1/{b.Database}?port=2");
        Assert.Equal(3, downExit);
        Assert.StartsWith($"error: cannot reach PostgreSQL at 127.0.0.1:1,127.0.0.1:2/{b.Database}: ", downError, StringComparison.Ordinal);
        Assert.Single(downError.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_bad_connection_string_is_one_line_without_its_password()
    {
        var (exit, _, error) = await CliTests.Cli(null, "runs", "nightly_load", "--storage", "Host=db.internal;Password=s3cret;Bogus Key=1");
        Assert.Equal(2, exit);
        Assert.StartsWith("error: 'Host=db.internal;Password=***;Bogus Key=1' is not a valid Npgsql connection string: ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_postgres_urls_parameters_reach_the_server()
    {
        // application_name: the serve's connections carry it, as pg_stat_activity shows.
        await using (var serve = await InProcessServe.StartAsync(new Effects(), Url() + "?application_name=pipelines_cli_test"))
        {
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pipelines_cli_test' AND datname = current_database()", connection);
            Assert.True((long)(await count.ExecuteScalarAsync())! > 0, "no connection of the serve named itself pipelines_cli_test");
        }

        // sslmode=require: this test server has no TLS, so the command must refuse to connect rather than fall back to plain text.
        await using (var check = new NpgsqlConnection(_connectionString))
        {
            await check.OpenAsync();
            await using var ssl = new NpgsqlCommand("SHOW ssl", check);
            Assert.True((string?)await ssl.ExecuteScalarAsync() == "off", "this test needs a PostgreSQL server without TLS (the tests' own server has none)");
        }
        var (exit, _, error) = await CliTests.Cli(null, "runs", "nightly_load", "--storage", Url() + "?sslmode=require");
        Assert.Equal(3, exit);
        Assert.StartsWith("error: cannot reach PostgreSQL at ", error, StringComparison.Ordinal);
        Assert.Contains("SSL", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_failed_run_is_seen_in_runs_cleared_and_run_again_to_success()
    {
        var effects = new Effects();
        effects.Flags["fail"] = 1;
        await using var serve = await InProcessServe.StartAsync(effects, Url());
        var (failedExit, failedOut, failedError) = await CliTests.Cli(effects, "trigger", "nightly_load", "--date", "2024-11-27", "--wait", "--json", "--storage", Url());
        Assert.True(failedExit == 1, failedOut + failedError);
        Assert.Equal("", failedError); // a serve is alive: no note that the run waits for one
        using var failed = System.Text.Json.JsonDocument.Parse(failedOut);
        var runId = failed.RootElement.GetProperty("run").GetString()!;
        Assert.Equal("failed", failed.RootElement.GetProperty("state").GetString());
        // The serve ran it, not the command that watched.
        Assert.StartsWith("pipelines-serve:", failed.RootElement.GetProperty("tasks")[0].GetProperty("server").GetString(), StringComparison.OrdinalIgnoreCase);

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
    public async Task Trigger_wait_on_shared_storage_only_watches_and_says_when_no_server_is_alive()
    {
        var effects = new Effects();
        using var watching = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var (exit, output, error) = await CliTests.Cli(effects, watching.Token, "trigger", "nightly_load", "--date", "2024-11-27", "--wait", "--storage", Url());

        Assert.True(exit == 130, $"exit {exit}: {output}{error}"); // still watching when the test gave up on it
        Assert.Empty(effects.Log);                                  // no task ran in the command
        Assert.StartsWith("note: no Pipelines server is alive on PostgreSQL at 127.0.0.1:", error, StringComparison.Ordinal);
        Assert.EndsWith("; the run waits until a 'serve' with this storage starts (or pass --local to run it here).", error.Trim(), StringComparison.Ordinal);

        // The run is there, waiting; a serve that starts later runs it.
        await using var serve = await InProcessServe.StartAsync(effects, Url());
        string? state = null;
        for (var i = 0; i < 100 && state != "success"; i++)
        {
            await Task.Delay(100);
            var (_, runs, _) = await CliTests.Cli(null, "runs", "nightly_load", "--json", "--storage", Url());
            using var json = System.Text.Json.JsonDocument.Parse(runs);
            state = json.RootElement[0].GetProperty("state").GetString();
        }
        Assert.Equal("success", state);
        Assert.Equal(3, effects.Log.Count);
    }

    [Fact]
    public async Task Backfill_on_shared_storage_leaves_the_runs_to_the_servers()
    {
        var effects = new Effects();
        using var watching = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var (exit, output, error) = await CliTests.Cli(effects, watching.Token, "backfill", "nightly_load", "--from", "2024-11-25", "--to", "2024-11-26", "--storage", Url());

        Assert.True(exit == 130, $"exit {exit}: {output}{error}");
        Assert.Empty(effects.Log);
        Assert.StartsWith("note: no Pipelines server is alive on PostgreSQL at 127.0.0.1:", error, StringComparison.Ordinal);
        var (_, runs, _) = await CliTests.Cli(null, "runs", "nightly_load", "--json", "--storage", Url());
        using var json = System.Text.Json.JsonDocument.Parse(runs);
        Assert.Equal(new[] { "backfill__2024-11-26", "backfill__2024-11-25" }, json.RootElement.EnumerateArray().Select(r => r.GetProperty("run").GetString()));
    }

    [Fact]
    public async Task Trigger_local_runs_only_its_own_run_here_on_a_private_queue()
    {
        var effects = new Effects();
        // A run for the fleet, which has no server alive: it waits.
        var (fleetExit, fleetOut, _) = await CliTests.Cli(effects, "trigger", "nightly_load", "--date", "2024-11-26", "--json", "--storage", Url());
        Assert.Equal(0, fleetExit);
        using var fleet = System.Text.Json.JsonDocument.Parse(fleetOut);
        var fleetRun = fleet.RootElement.GetProperty("run").GetString()!;

        var (exit, output, error) = await CliTests.Cli(effects, "trigger", "nightly_load", "--date", "2024-11-27", "--local", "--json", "--storage", Url());

        Assert.True(exit == 0, output + error); // --local waits for the run it was asked for
        Assert.Equal("", error);               // a server runs it: this process's own
        using var json = System.Text.Json.JsonDocument.Parse(output);
        var localRun = json.RootElement.GetProperty("run").GetString()!;
        Assert.Equal("success", json.RootElement.GetProperty("state").GetString());
        Assert.All(json.RootElement.GetProperty("tasks").EnumerateArray(),
            t => Assert.StartsWith("pipelines-cli-local:", t.GetProperty("server").GetString(), StringComparison.OrdinalIgnoreCase));
        // Only its own run: the fleet's run was not touched.
        Assert.Equal(new[] { $"{localRun}/Ingest", $"{localRun}/Build", $"{localRun}/QueueRisk" }, effects.Log);
        var (_, runs, _) = await CliTests.Cli(null, "runs", "nightly_load", "--json", "--storage", Url());
        using var all = System.Text.Json.JsonDocument.Parse(runs);
        var waiting = all.RootElement.EnumerateArray().Single(r => r.GetProperty("run").GetString() == fleetRun);
        Assert.Equal("running", waiting.GetProperty("state").GetString());
        Assert.Equal("queued", waiting.GetProperty("tasks")[0].GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_local_run_stopped_midway_goes_back_to_the_servers()
    {
        var effects = new Effects();
        effects.Flags["hold"] = 1;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        // Ctrl-C once the run's second task is running here.
        var watcher = Task.Run(async () =>
        {
            while (!effects.Log.Any(l => l.EndsWith("/Build", StringComparison.Ordinal))) await Task.Delay(20);
            stop.Cancel();
        });
        var (exit, output, error) = await CliTests.Cli(effects, stop.Token, "trigger", "nightly_load", "--date", "2024-11-22", "--local", "--storage", Url());
        await watcher;
        Assert.True(exit == 130, $"exit {exit}: {output}{error}");

        // The run is not left on this process's queue: a serve finishes it, running Build again (its try was cut short).
        effects.Flags["hold"] = 0;
        await using var serve = await InProcessServe.StartAsync(effects, Url());
        JsonElement? run = null;
        for (var i = 0; i < 300 && run?.GetProperty("state").GetString() != "success"; i++)
        {
            await Task.Delay(100);
            var (_, runs, _) = await CliTests.Cli(null, "runs", "nightly_load", "--json", "--storage", Url());
            run = System.Text.Json.JsonDocument.Parse(runs).RootElement.EnumerateArray().Single(r => r.GetProperty("logicalDate").GetString() == "2024-11-22").Clone();
        }
        Assert.Equal("success", run?.GetProperty("state").GetString());
        var runId = run!.Value.GetProperty("run").GetString();
        Assert.Equal(new[] { $"{runId}/Ingest", $"{runId}/Build", $"{runId}/Build", $"{runId}/QueueRisk" }, effects.Log);
        Assert.All(run.Value.GetProperty("tasks").EnumerateArray().Skip(1),
            t => Assert.StartsWith("pipelines-serve:", t.GetProperty("server").GetString(), StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Backfill_local_runs_its_runs_here()
    {
        var effects = new Effects();
        var (exit, output, error) = await CliTests.Cli(effects, "backfill", "nightly_load", "--from", "2024-11-25", "--to", "2024-11-26", "--local", "--storage", Url());
        Assert.True(exit == 0, output + error);
        Assert.Contains("Backfilled 2 run(s) of nightly_load: 2 succeeded, 0 failed.", output, StringComparison.Ordinal);
        Assert.Equal(6, effects.Log.Count);
    }

    [Fact]
    public async Task Pause_and_unpause_say_what_they_did_in_one_line_and_why_shows_the_pause()
    {
        var (pauseExit, pauseOut, pauseError) = await CliTests.Cli(null, "pause", "nightly_load", "--storage", Url());
        Assert.True(pauseExit == 0, pauseOut + pauseError);
        Assert.Equal("Paused nightly_load: no new runs or tasks start until 'unpause nightly_load'.", pauseOut.Trim());
        var (againExit, againOut, _) = await CliTests.Cli(null, "pause", "nightly_load", "--storage", Url());
        Assert.Equal(0, againExit);
        Assert.Equal("nightly_load was already paused.", againOut.Trim());

        var (triggerExit, triggerOut, triggerError) = await CliTests.Cli(null, "trigger", "nightly_load", "--date", "2024-11-27", "--json", "--storage", Url());
        Assert.True(triggerExit == 0, triggerOut + triggerError);
        var runId = JsonDocument.Parse(triggerOut).RootElement.GetProperty("run").GetString()!;
        var (whyExit, whyOut, whyError) = await CliTests.Cli(null, "why", "nightly_load", runId, "Ingest", "--storage", Url());
        Assert.True(whyExit == 0, whyOut + whyError);
        Assert.Contains("NOT MET  Pipeline not paused: Pipeline 'nightly_load' is paused since ", whyOut, StringComparison.Ordinal);

        var (unpauseExit, unpauseOut, _) = await CliTests.Cli(null, "unpause", "nightly_load", "--storage", Url());
        Assert.Equal(0, unpauseExit);
        Assert.Equal("Unpaused nightly_load: its waiting tasks start now.", unpauseOut.Trim());
        var (unknownExit, _, unknownError) = await CliTests.Cli(null, "pause", "nightly_lod", "--storage", Url());
        Assert.Equal(2, unknownExit);
        Assert.StartsWith("error: no pipeline 'nightly_lod'.", unknownError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pools_lists_each_configured_pool_with_its_slots_running_queued_and_open()
    {
        var settings = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Pipelines:Pools:vendor_api"] = "3" }).Build();
        var (jsonExit, jsonOut, jsonError) = await CliTests.Cli(null, settings, CancellationToken.None, "pools", "--json", "--storage", Url());
        Assert.True(jsonExit == 0, jsonOut + jsonError);
        using (var pools = JsonDocument.Parse(jsonOut))
        {
            var pool = Assert.Single(pools.RootElement.EnumerateArray());
            Assert.Equal("vendor_api", pool.GetProperty("name").GetString());
            Assert.Equal((3, 0, 0, 3), (pool.GetProperty("slots").GetInt32(), pool.GetProperty("running").GetInt32(), pool.GetProperty("queued").GetInt32(), pool.GetProperty("open").GetInt32()));
        }
        var (tableExit, tableOut, _) = await CliTests.Cli(null, settings, CancellationToken.None, "pools", "--storage", Url());
        Assert.Equal(0, tableExit);
        Assert.Contains("vendor_api", Assert.Single(Lines(tableOut), l => l.Contains("vendor_api", StringComparison.Ordinal)), StringComparison.Ordinal);
        var (memoryExit, _, memoryError) = await CliTests.Cli(null, "pools");
        Assert.Equal(2, memoryExit);
        Assert.StartsWith("error: 'pools' needs shared state", memoryError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_and_show_with_storage_show_each_pipelines_pause_state_as_stored()
    {
        var (activeExit, activeOut, activeError) = await CliTests.Cli(null, "list", "--storage", Url());
        Assert.True(activeExit == 0, activeOut + activeError);
        Assert.Contains("State", activeOut, StringComparison.Ordinal);
        Assert.Equal(2, Lines(activeOut).Count(l => l.Contains("active", StringComparison.Ordinal)));

        var (pauseExit, pauseOut, pauseError) = await CliTests.Cli(null, "pause", "nightly_load", "--storage", Url());
        Assert.True(pauseExit == 0, pauseOut + pauseError);

        var (listExit, listOut, _) = await CliTests.Cli(null, "list", "--storage", Url());
        Assert.Equal(0, listExit);
        Assert.Contains("paused", Assert.Single(Lines(listOut), l => l.Contains("nightly_load", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("active", Assert.Single(Lines(listOut), l => l.Contains("adhoc_report", StringComparison.Ordinal)), StringComparison.Ordinal);
        var (jsonExit, jsonOut, _) = await CliTests.Cli(null, "list", "--json", "--storage", Url());
        Assert.Equal(0, jsonExit);
        using (var rows = JsonDocument.Parse(jsonOut))
        {
            Assert.Equal(new[] { ("nightly_load", true), ("adhoc_report", false) },
                rows.RootElement.EnumerateArray().Select(r => (r.GetProperty("id").GetString()!, r.GetProperty("paused").GetBoolean())));
        }
        var (showExit, showOut, _) = await CliTests.Cli(null, "show", "nightly_load", "--json", "--storage", Url());
        Assert.Equal(0, showExit);
        using (var shown = JsonDocument.Parse(showOut)) Assert.True(shown.RootElement.GetProperty("paused").GetBoolean());
        var (textExit, textOut, _) = await CliTests.Cli(null, "show", "nightly_load", "--storage", Url());
        Assert.Equal(0, textExit);
        Assert.Contains("state paused", textOut, StringComparison.Ordinal);

        Assert.Equal(0, (await CliTests.Cli(null, "unpause", "nightly_load", "--storage", Url())).Exit);
        var (afterExit, afterOut, _) = await CliTests.Cli(null, "show", "nightly_load", "--json", "--storage", Url());
        Assert.Equal(0, afterExit);
        using (var after = JsonDocument.Parse(afterOut)) Assert.False(after.RootElement.GetProperty("paused").GetBoolean());
    }

    private static string[] Lines(string text) => text.Split('\n');

    [Fact]
    public async Task Clear_of_an_unknown_run_names_the_fix()
    {
        var (exit, _, error) = await CliTests.Cli(null, "clear", "nightly_load", "--run", "manual__nope", "--task", "Ingest", "--storage", Url());
        Assert.Equal(2, exit);
        Assert.StartsWith("error: pipeline 'nightly_load' has no run 'manual__nope' in PostgreSQL at 127.0.0.1:", error, StringComparison.Ordinal);
        Assert.EndsWith("; 'runs nightly_load' lists them.", error.Trim(), StringComparison.Ordinal);
    }
}
