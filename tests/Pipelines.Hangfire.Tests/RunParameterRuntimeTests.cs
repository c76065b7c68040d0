using NodaTime;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>Typed run parameters in the runtime: validated once where runs are created, stored with defaults, bound by the task.</summary>
public sealed class RunParameterRuntimeTests : IAsyncLifetime
{
    private PipelineHost _host = null!;

    public async Task InitializeAsync() => _host = await PipelineHost.StartAsync(PipelineHost.InMemoryStorage(), new[] { NightlyPrices.Definition });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_triggered_run_stores_the_canonical_values_with_the_defaults_and_the_task_gets_them_typed()
    {
        var run = await _host.RunAsync("nightly_prices", parameters: new Dictionary<string, string> { ["maxrows"] = "20", ["universe"] = "russell2000" });
        Assert.Equal(RunState.Success, run.State);
        Assert.Equal(new Dictionary<string, string> { ["MaxRows"] = "20", ["Universe"] = "Russell2000", ["DryRun"] = "false" }, run.Parameters);
        // Symbols' default is not a constant (a collection expression), so it is left to the record.
        Assert.Equal(1, _host.Effects.Count(run.RunId, "Load", "False:20:Russell2000:AAPL+MSFT"));
    }

    [Fact]
    public async Task On_postgresql_the_stored_values_are_what_another_server_binds_and_shows()
    {
        var database = PostgresServer.CreateDatabase("params");
        try
        {
            string runId;
            await using (var first = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(database), new[] { NightlyPrices.Definition }, serverName: "first"))
            {
                runId = first.Operations.Trigger("nightly_prices", new LocalDate(2024, 3, 8), new Dictionary<string, string> { ["MAXROWS"] = "7", ["dryRun"] = "TRUE" });
                Assert.Equal(RunState.Success, (await first.WaitAsync("nightly_prices", runId)).State);
                Assert.Equal(1, first.Effects.Count(runId, "Load", "True:7:Sp500:AAPL+MSFT"));
            }
            // The first server is gone: another one on the same database shows the stored values and, running the task
            // again after a clear, binds them from storage alone.
            await using var second = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(database), new[] { NightlyPrices.Definition }, serverName: "second");
            Assert.Equal(new Dictionary<string, string> { ["MaxRows"] = "7", ["Universe"] = "Sp500", ["DryRun"] = "true" }, second.Operations.GetRun("nightly_prices", runId)!.Parameters);
            second.Operations.Clear("nightly_prices", runId, new[] { "Load" }, ClearScope.Task);
            Assert.Equal(RunState.Success, (await second.WaitAsync("nightly_prices", runId)).State);
            Assert.Equal(1, second.Effects.Count(runId, "Load", "True:7:Sp500:AAPL+MSFT"));
        }
        finally
        {
            PostgresServer.DropDatabase(database);
        }
    }

    [Fact]
    public async Task Scheduled_runs_use_the_defaults()
    {
        var runIds = _host.Scheduler.TickAt("nightly_prices", Instant.FromUtc(2024, 3, 10, 12, 0));
        var run = await _host.WaitAsync("nightly_prices", Assert.Single(runIds));
        Assert.Equal(RunState.Success, run.State);
        Assert.Equal("250", run.Parameters["MaxRows"]);
        Assert.Equal(1, _host.Effects.Count(run.RunId, "Load", "False:250:Sp500:AAPL+MSFT"));
    }

    [Fact]
    public void Bad_values_create_no_run_and_say_why()
    {
        var error = Assert.Throws<RunParametersException>(() =>
            _host.Operations.Trigger("nightly_prices", new LocalDate(2024, 3, 8), new Dictionary<string, string> { ["maxRows"] = "5000", ["dryrun"] = "perhaps" }));
        Assert.Equal(new[] { "maxRows=5000: maxRows must be between 1 and 1000", "dryrun=perhaps: dryrun must be true or false" }, error.Errors);
        Assert.Empty(_host.Operations.ListRuns("nightly_prices", 10));
    }

    [Fact]
    public void A_backfill_with_a_bad_value_creates_none_of_its_runs()
    {
        Assert.Throws<RunParametersException>(() =>
            _host.Operations.Backfill("nightly_prices", new LocalDate(2024, 3, 1), new LocalDate(2024, 3, 3), new Dictionary<string, string> { ["symbol"] = "AAPL" }));
        Assert.Empty(_host.Operations.ListRuns("nightly_prices", 10));
    }
}
