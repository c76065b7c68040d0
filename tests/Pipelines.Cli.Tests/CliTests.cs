using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using NodaTime.Testing;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Cli.Tests;

/// <summary>Every verb through the real host, in-process, on in-memory storage (and PostgreSQL where state must be shared).</summary>
[Collection("cli")]
public sealed class CliTests
{
    private static readonly PipelineDefinition[] Pipelines = { NightlyLoad.Definition, AdhocReport.Definition };

    // Friday 2024-11-29 (day after Thanksgiving), 12:00 New York.
    private static readonly FakeClock Clock = new(Instant.FromUtc(2024, 11, 29, 17, 0));

    internal static Task<(int Exit, string Out, string Error)> Cli(Effects? effects, params string[] args) => Cli(effects, CancellationToken.None, args);

    internal static Task<(int Exit, string Out, string Error)> Cli(Effects? effects, CancellationToken cancellationToken, params string[] args) =>
        Cli(effects, null, cancellationToken, args);

    internal static Task<(int Exit, string Out, string Error)> Cli(Effects? effects, Microsoft.Extensions.Configuration.IConfiguration? configuration, CancellationToken cancellationToken, params string[] args) =>
        CliWith(Pipelines, effects, configuration, cancellationToken, args);

    /// <summary>The command line over the given pipelines instead of this class's two.</summary>
    internal static async Task<(int Exit, string Out, string Error)> CliWith(PipelineDefinition[] pipelines, Effects? effects, Microsoft.Extensions.Configuration.IConfiguration? configuration, CancellationToken cancellationToken, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await PipelinesCli.RunAsync(args, o =>
        {
            o.Configuration = configuration;
            o.Pipelines = pipelines;
            o.Out = output;
            o.Error = error;
            o.Clock = Clock;
            o.WorkerCount = 4;
            o.ConfigureServices = s => s.AddSingleton(effects ?? new Effects());
        }, cancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task List_shows_each_pipeline_with_its_schedule_and_next_session_run()
    {
        var (exit, output, _) = await Cli(null, "list");
        Assert.Equal(0, exit);
        Assert.Contains("nightly_load", output, StringComparison.Ordinal);
        Assert.Contains("0 4 * * 1-5", output, StringComparison.Ordinal);
        Assert.Contains("2024-12-02 04:00 -05", output, StringComparison.Ordinal); // next session after Friday noon is Monday
        Assert.Contains("adhoc_report", output, StringComparison.Ordinal);
        Assert.Contains("manual", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_as_json()
    {
        var (exit, output, _) = await Cli(null, "list", "--json");
        Assert.Equal(0, exit);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        var first = json.RootElement[0];
        Assert.Equal("nightly_load", first.GetProperty("id").GetString());
        Assert.Equal("XNYS", first.GetProperty("calendar").GetString());
        Assert.Equal("2024-12-02 04:00 -05", first.GetProperty("nextRun").GetString());
    }

    [Fact]
    public async Task List_and_show_without_storage_or_server_say_nothing_of_pause_rather_than_guess()
    {
        var (listExit, list, _) = await Cli(null, "list");
        Assert.Equal(0, listExit);
        Assert.DoesNotContain("State", list, StringComparison.Ordinal);
        Assert.DoesNotContain("active", list, StringComparison.Ordinal);
        var (jsonExit, json, _) = await Cli(null, "list", "--json");
        Assert.Equal(0, jsonExit);
        using (var rows = System.Text.Json.JsonDocument.Parse(json))
            Assert.All(rows.RootElement.EnumerateArray(), row => Assert.False(row.TryGetProperty("paused", out _)));
        var (showExit, show, _) = await Cli(null, "show", "nightly_load", "--json");
        Assert.Equal(0, showExit);
        using (var shown = System.Text.Json.JsonDocument.Parse(show))
            Assert.False(shown.RootElement.TryGetProperty("paused", out _));
        var (textExit, text, _) = await Cli(null, "show", "nightly_load");
        Assert.Equal(0, textExit);
        Assert.DoesNotContain("state ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_and_show_with_server_show_the_pause_state_that_serve_holds()
    {
        await using var serve = await InProcessServe.StartAsync();
        var (pauseExit, pauseOut, pauseError) = await Cli(null, "pause", "nightly_load", "--server", serve.Url);
        Assert.True(pauseExit == 0, pauseOut + pauseError);

        var (listExit, listOut, listError) = await Cli(null, "list", "--json", "--server", serve.Url);
        Assert.True(listExit == 0, listOut + listError);
        using (var rows = System.Text.Json.JsonDocument.Parse(listOut))
        {
            Assert.Equal(new[] { ("nightly_load", true), ("adhoc_report", false) },
                rows.RootElement.EnumerateArray().Select(r => (r.GetProperty("id").GetString()!, r.GetProperty("paused").GetBoolean())));
        }
        var (showExit, showOut, _) = await Cli(null, "show", "nightly_load", "--server", serve.Url);
        Assert.Equal(0, showExit);
        Assert.Contains("state paused", showOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_lists_tasks_and_the_next_five_session_runs_skipping_holidays()
    {
        var (exit, output, _) = await Cli(null, "show", "nightly_load", "--json");
        Assert.Equal(0, exit);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal(new[] { "2024-12-02T04:00:00-05", "2024-12-03T04:00:00-05", "2024-12-04T04:00:00-05", "2024-12-05T04:00:00-05", "2024-12-06T04:00:00-05" },
            json.RootElement.GetProperty("nextRuns").EnumerateArray().Select(e => e.GetString()));
        var tasks = json.RootElement.GetProperty("tasks").EnumerateArray().ToList();
        Assert.Equal(new[] { "Ingest", "Build", "QueueRisk" }, tasks.Select(t => t.GetProperty("id").GetString()));
        Assert.Equal("risk", tasks[2].GetProperty("queue").GetString());
        Assert.Equal(new[] { "Build" }, tasks[2].GetProperty("upstream").EnumerateArray().Select(e => e.GetString()));

        var (textExit, text, _) = await Cli(null, "show", "nightly_load");
        Assert.Equal(0, textExit);
        Assert.Contains("schedule 0 4 * * 1-5 in America/New_York, calendar XNYS", text, StringComparison.Ordinal);
        Assert.Contains("2024-12-02 04:00 -05 (Mon)", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mermaid", "flowchart LR\n    t0[\"Ingest\"]\n    t1[\"Build\"]\n    t2[\"QueueRisk\"]\n    t0 --> t1\n    t1 --> t2\n")]
    [InlineData("dot", "digraph \"nightly_load\" {\n    rankdir=LR;\n    \"Ingest\" [shape=box];\n    \"Build\" [shape=box];\n    \"QueueRisk\" [shape=box];\n    \"Ingest\" -> \"Build\";\n    \"Build\" -> \"QueueRisk\";\n}\n")]
    [InlineData("text", "Ingest\n  Build  <- Ingest\n    QueueRisk  <- Build\n")]
    public async Task Graph_prints_the_pipeline_in_each_format(string format, string expected)
    {
        var (exit, output, _) = await Cli(null, "graph", "nightly_load", "--format", format);
        Assert.Equal(0, exit);
        Assert.Equal(expected, output.Replace("\r\n", "\n"));
    }

    [Fact]
    public async Task Trigger_wait_runs_the_pipeline_in_process_and_exits_0_on_success()
    {
        var effects = new Effects();
        var (exit, output, error) = await Cli(effects, "trigger", "nightly_load", "--date", "2024-11-27", "--param", "mode=quick", "--wait", "--json");
        Assert.True(exit == 0, output + error);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal("success", json.RootElement.GetProperty("state").GetString());
        Assert.Equal("2024-11-27", json.RootElement.GetProperty("logicalDate").GetString());
        Assert.All(json.RootElement.GetProperty("tasks").EnumerateArray(), t => Assert.Equal("success", t.GetProperty("state").GetString()));
        Assert.Equal(3, effects.Log.Count);
    }

    [Fact]
    public async Task Trigger_wait_exits_1_when_the_run_fails_and_shows_why()
    {
        var effects = new Effects();
        effects.Flags["fail"] = 1;
        var (exit, output, _) = await Cli(effects, "trigger", "nightly_load", "--date", "2024-11-27", "--wait");
        Assert.Equal(1, exit);
        Assert.Contains("Failed on try 2, the last of 2: IOException: vendor unreachable.", output, StringComparison.Ordinal);
        Assert.Contains("upstream_failed", output, StringComparison.Ordinal);
        Assert.Contains(": failed", output, StringComparison.Ordinal);
        // The end of the failed try's log, with the exception.
        Assert.Contains("  last 2 of 2 log line(s) of try 2:", output, StringComparison.Ordinal);
        Assert.Matches(@"  \| \d\d:\d\d:\d\d Information connecting to the vendor, try 2", output);
        Assert.Matches(@"  \| \d\d:\d\d:\d\d Error Try 2 failed: IOException", output);
        Assert.Contains("  | System.IO.IOException: vendor unreachable", output, StringComparison.Ordinal);
        Assert.DoesNotContain("try 1", output.Split("log line(s) of try 2:")[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Test_runs_one_task_with_given_inputs_without_the_scheduler()
    {
        var effects = new Effects();
        var (exit, output, _) = await Cli(effects, "test", "nightly_load", "Build", "--date", "2024-11-27", "--input", "Ingest={\"session\":\"2024-11-27\",\"companies\":7}", "--param", "mode=dry");
        Assert.Equal(0, exit);
        Assert.Equal("nightly_load.Build [2024-11-27]: succeeded\n\"2024-11-27:7:dry\"\n", output.Replace("\r\n", "\n"));
        Assert.Equal(new[] { "test__2024-11-27/Build" }, effects.Log);
    }

    [Fact]
    public async Task Test_of_a_condition_says_what_it_decided()
    {
        var (exit, output, _) = await Cli(null, "test", "adhoc_report", "IsWeekday", "--date", "2024-11-30");
        Assert.Equal(0, exit);
        Assert.Contains("adhoc_report.IsWeekday [2024-11-30]: condition returned false: everything downstream would be skipped", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Backfill_runs_every_session_in_the_range_and_reports_them()
    {
        var effects = new Effects();
        var (exit, output, error) = await Cli(effects, "backfill", "nightly_load", "--from", "2024-11-25", "--to", "2024-11-29");
        Assert.True(exit == 0, output + error);
        // Thanksgiving (28th) is not a session.
        Assert.Contains("Backfilled 4 run(s) of nightly_load: 4 succeeded, 0 failed.", output, StringComparison.Ordinal);
        Assert.Equal(12, effects.Log.Count);
        Assert.DoesNotContain(effects.Log, l => l.Contains("2024-11-28", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new[] { "show", "nightly_lod" }, "error: no pipeline 'nightly_lod'. Did you mean 'nightly_load'? Known pipelines: nightly_load, adhoc_report.")]
    [InlineData(new[] { "test", "nightly_load", "Biuld" }, "error: pipeline 'nightly_load' has no task 'Biuld'. Did you mean 'Build'? Its tasks: Ingest, Build, QueueRisk.")]
    [InlineData(new[] { "trigger", "nightly_load", "--date", "2024-13-01" }, "error: --date '2024-13-01' is not a date: write it as yyyy-MM-dd, for example 2024-03-08.")]
    [InlineData(new[] { "trigger", "nightly_load", "--date", "2024-11-28" }, "error: 2024-11-28 is not a XNYS session (Thanksgiving Day); pipeline 'nightly_load' runs on sessions only. The previous session is 2024-11-27, the next 2024-11-29.")]
    [InlineData(new[] { "runs", "nightly_load" }, "error: 'runs' needs shared state, but in-memory state lives only inside the process that holds it; pass --server http://127.0.0.1:5000 to operate a running 'serve', or --storage postgres://user:password@host:5432/database.")]
    [InlineData(new[] { "pause", "nightly_load" }, "error: 'pause' needs shared state, but in-memory state lives only inside the process that holds it; pass --server http://127.0.0.1:5000 to operate a running 'serve', or --storage postgres://user:password@host:5432/database.")]
    [InlineData(new[] { "why", "nightly_load", "manual__x", "Build" }, "error: 'why' needs shared state, but in-memory state lives only inside the process that holds it; pass --server http://127.0.0.1:5000 to operate a running 'serve', or --storage postgres://user:password@host:5432/database.")]
    [InlineData(new[] { "runs", "nightly_load", "--storage", "mongodb://x" }, "error: unknown storage 'mongodb://x'; use 'memory' (the default), postgres://user:password@host:5432/database, an Npgsql connection string, or redis://host:6379.")]
    [InlineData(new[] { "backfill", "nightly_load", "--from", "2024-11-29", "--to", "2024-11-01" }, "error: --to 2024-11-01 is before --from 2024-11-29.")]
    [InlineData(new[] { "graph", "nightly_load", "--format", "png" }, "error: Argument 'png' not recognized. Must be one of:\n\t'mermaid'\n\t'dot'\n\t'text' (see --help)")]
    [InlineData(new[] { "trigger", "nightly_load", "--local", "--server", "http://127.0.0.1:1" }, "error: --local runs the work in this process, and --server leaves it to that server; pass one of them.")]
    [InlineData(new[] { "frobnicate" }, "error: Unrecognized command or argument 'frobnicate'. (see --help)")]
    public async Task Bad_input_gets_one_clear_line_and_exit_code_2(string[] args, string expected)
    {
        var (exit, output, error) = await Cli(null, args);
        Assert.Equal(2, exit);
        Assert.Equal(expected, error.Trim().Replace("\r\n", "\n"));
        Assert.Equal("", output);
    }

    [Fact]
    public async Task An_unreachable_database_is_one_line_and_exit_code_3()
    {
        var (exit, _, error) = await Cli(null, "runs", "nightly_load", "--storage", "postgres://nobody:secret@127.0.0.1:1/nowhere");
        Assert.Equal(3, exit);
        Assert.StartsWith("error: cannot reach PostgreSQL at 127.0.0.1:1/nowhere: ", error, StringComparison.Ordinal);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Serve_refuses_a_port_in_use_with_exit_code_3()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var (exit, _, error) = await Cli(null, "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(3, exit);
        Assert.Equal($"error: port {port} on 127.0.0.1 is already in use; stop what uses it or pass --port to choose another.", error.Trim());
    }

    [Fact]
    public async Task Serve_hosts_the_dashboard_until_stopped()
    {
        var port = FreePorts.Next();
        var output = new StringWriter();
        using var stop = new CancellationTokenSource();
        var serving = PipelinesCli.RunAsync(new[] { "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) }, o =>
        {
            o.Pipelines = Pipelines;
            o.Out = output;
            o.Error = output;
            o.ConfigureServices = s => s.AddSingleton(new Effects());
        }, stop.Token);
        using var http = new HttpClient();
        string? page = null;
        for (var i = 0; i < 100 && page is null; i++)
        {
            try { page = await http.GetStringAsync($"http://127.0.0.1:{port}/hangfire/recurring"); }
            catch (HttpRequestException) { await Task.Delay(100); }
        }
        stop.Cancel();
        Assert.Equal(0, await serving);
        Assert.NotNull(page);
        Assert.Contains("pipeline:nightly_load", page, StringComparison.Ordinal); // the schedule became a recurring job
        Assert.Contains($"Dashboard: http://127.0.0.1:{port}/hangfire", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("build-host", 4242, "cli-build-host-4242")]
    [InlineData("My.Host_01", 7, "cli-my-host_01-7")]
    [InlineData("HÔTE ÉTÉ", 1, "cli-h-te--t--1")]
    public void The_local_queue_is_the_machine_and_process_in_the_characters_hangfire_allows(string machine, int processId, string expected) =>
        Assert.Equal(expected, CliServer.PrivateQueue(machine, processId));

    [Fact]
    public async Task Trigger_local_on_in_memory_storage_runs_in_process_as_without_it()
    {
        var effects = new Effects();
        var (exit, output, error) = await Cli(effects, "trigger", "nightly_load", "--date", "2024-11-27", "--local", "--wait", "--json");
        Assert.True(exit == 0, output + error);
        Assert.Equal(3, effects.Log.Count);
    }

    [Fact]
    public async Task Serve_only_services_start_with_serve_and_with_no_other_verb()
    {
        var effects = new Effects();
        void Configure(PipelinesCliOptions o, TextWriter output)
        {
            o.Pipelines = Pipelines;
            o.Out = output;
            o.Error = output;
            o.Clock = Clock;
            o.ConfigureServices = s => s.AddSingleton(effects);
            o.ConfigureServeServices = s => s.AddHostedService<RecordsItsStart>();
        }

        var triggered = new StringWriter();
        Assert.Equal(0, await PipelinesCli.RunAsync(new[] { "--storage", "memory", "trigger", "adhoc_report", "--date", "2024-11-27", "--wait" }, o => Configure(o, triggered)));
        Assert.DoesNotContain("serve-only service started", effects.Log);

        var port = FreePorts.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var served = new StringWriter();
        using var stop = new CancellationTokenSource();
        var serving = PipelinesCli.RunAsync(new[] { "--storage", "memory", "serve", "--port", port }, o => Configure(o, served), stop.Token);
        for (var i = 0; i < 100 && !served.ToString().Contains("Dashboard:", StringComparison.Ordinal); i++) await Task.Delay(100);
        stop.Cancel();
        Assert.Equal(0, await serving);
        Assert.Contains("serve-only service started", effects.Log);
    }

    private sealed class RecordsItsStart(Effects effects) : Microsoft.Extensions.Hosting.IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            effects.Log.Enqueue("serve-only service started");
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [Fact]
    public async Task Verbs_operate_a_running_in_memory_serve_through_its_json_api()
    {
        var effects = new Effects();
        effects.Flags["fail"] = 1;
        var port = FreePorts.Next();
        var serverOutput = new StringWriter();
        using var stop = new CancellationTokenSource();
        var serving = PipelinesCli.RunAsync(new[] { "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) }, o =>
        {
            o.Pipelines = Pipelines;
            o.Out = serverOutput;
            o.Error = serverOutput;
            o.ConfigureServices = s => s.AddSingleton(effects);
        }, stop.Token);
        var url = $"http://127.0.0.1:{port}";
        for (var i = 0; i < 100 && !serverOutput.ToString().Contains("Dashboard:", StringComparison.Ordinal); i++) await Task.Delay(100);

        var (triggerExit, triggerOut, triggerError) = await Cli(effects, "trigger", "nightly_load", "--date", "2024-11-27", "--wait", "--json", "--server", url);
        Assert.True(triggerExit == 1, triggerOut + triggerError);
        using var failed = System.Text.Json.JsonDocument.Parse(triggerOut);
        var runId = failed.RootElement.GetProperty("run").GetString()!;

        var (runsExit, runsOut, _) = await Cli(null, "runs", "nightly_load", "--json", "--server", url);
        Assert.Equal(0, runsExit);
        using (var runs = System.Text.Json.JsonDocument.Parse(runsOut))
            Assert.Equal("failed", Assert.Single(runs.RootElement.EnumerateArray()).GetProperty("state").GetString());

        // Why Build never ran: the same readiness reasons as the dashboard's, through the server's JSON API.
        var (whyExit, whyOut, whyError) = await Cli(null, "why", "nightly_load", runId, "Build", "--server", url);
        Assert.True(whyExit == 0, whyOut + whyError);
        Assert.Contains("NOT MET  Trigger rule (all_success): Upstream failed: trigger rule all_success can no longer be met; of 1 upstream task, 1 failed. Upstream: Ingest failed.", whyOut, StringComparison.Ordinal);
        Assert.Contains("NOT MET  Run is active: The run has ended (failed); clear the task to run it again.", whyOut, StringComparison.Ordinal);
        var (whyJsonExit, whyJson, _) = await Cli(null, "why", "nightly_load", runId, "Build", "--json", "--server", url);
        Assert.Equal(0, whyJsonExit);
        using (var reasons = System.Text.Json.JsonDocument.Parse(whyJson))
            Assert.Contains(reasons.RootElement.EnumerateArray(), r => r.GetProperty("name").GetString() == "Trigger rule (all_success)" && !r.GetProperty("met").GetBoolean());
        // Pools through the server's JSON API (GET /api/pools): none declared or configured here.
        var (poolsExit, poolsOut, poolsError) = await Cli(null, "pools", "--json", "--server", url);
        Assert.True(poolsExit == 0, poolsOut + poolsError);
        Assert.Equal("[]", poolsOut.Trim());

        // Watching a failing run through the server shows the end of the failed try's log too.
        var (watchExit, watchOut, _) = await Cli(effects, "trigger", "nightly_load", "--date", "2024-11-26", "--wait", "--server", url);
        Assert.Equal(1, watchExit);
        Assert.Contains("  | System.IO.IOException: vendor unreachable", watchOut, StringComparison.Ordinal);

        effects.Flags["fail"] = 0;
        var (clearExit, clearOut, clearError) = await Cli(effects, "clear", "nightly_load", "--run", runId, "--task", "Ingest", "--downstream", "--wait", "--server", url);
        Assert.True(clearExit == 0, clearOut + clearError);
        Assert.Contains($"Run {runId} of nightly_load (2024-11-27): success", clearOut, StringComparison.Ordinal);

        var (missingExit, _, missingError) = await Cli(null, "clear", "nightly_load", "--run", "manual__nope", "--task", "Ingest", "--server", url);
        Assert.Equal(2, missingExit);
        Assert.StartsWith("error: pipeline 'nightly_load' has no run 'manual__nope' in the server at", missingError, StringComparison.Ordinal);

        stop.Cancel();
        Assert.Equal(0, await serving);

        var (downExit, _, downError) = await Cli(null, "runs", "nightly_load", "--server", url);
        Assert.Equal(3, downExit);
        Assert.StartsWith($"error: cannot reach a Pipelines server at {url}/", downError, StringComparison.Ordinal);
    }
}
