using global::Hangfire;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// Data-aware scheduling end to end: producers record asset events, and consumers start once per new combination of
/// events for a partition. Each storage runs the same specification; each test uses its own partitions, since the
/// PostgreSQL database is shared by the class.
/// </summary>
public abstract class AssetRuntimeTests : IAsyncLifetime
{
    internal static readonly PipelineDefinition[] All =
        { AssetPrices.Definition, AssetFundamentals.Definition, AssetRisk.Definition, AssetEither.Definition, AssetVendor.Definition };

    private PipelineHost _host = null!;

    protected PipelineHost Host => _host;

    protected abstract JobStorage CreateStorage();

    public async Task InitializeAsync() => _host = await PipelineHost.StartAsync(CreateStorage(), All);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    internal static List<PipelineRun> RunsFor(PipelineOperations operations, string pipelineId, LocalDate partition) =>
        operations.ListRuns(pipelineId, 500).Where(r => r.LogicalDate == partition).OrderBy(r => r.CreatedAt).ToList();

    /// <summary>Waits for <paramref name="count"/> finished runs of the consumer for the partition, then a little longer to see no more come.</summary>
    internal static async Task<List<PipelineRun>> SettledRuns(PipelineHost host, string pipelineId, LocalDate partition, int count)
    {
        await Poll.UntilAsync(() => RunsFor(host.Operations, pipelineId, partition), runs => runs.Count >= count && runs.All(r => r.State.IsFinished()),
            $"{count} finished run(s) of {pipelineId} for {partition}", TimeSpan.FromSeconds(60));
        await Task.Delay(500);
        return RunsFor(host.Operations, pipelineId, partition);
    }

    [Fact]
    public async Task A_consumer_of_two_assets_starts_once_when_the_last_arrives_with_the_partition_as_its_logical_date()
    {
        var session = new LocalDate(2024, 11, 25);
        var nothing = _host.Operations.ExplainAssets("asset_risk", session);
        Assert.Equal(("Assets (test.prices & test.fundamentals)", false, "Waiting for test.prices and test.fundamentals for 2024-11-25."), (nothing.Name, nothing.Met, nothing.Sentence));
        var prices = await _host.RunAsync("asset_prices", session);
        Assert.Equal(RunState.Success, prices.State);
        await SettledRuns(_host, "asset_either", session, 1);
        Assert.Empty(RunsFor(_host.Operations, "asset_risk", session));
        var waiting = _host.Operations.ExplainAssets("asset_risk", session);
        Assert.False(waiting.Met);
        Assert.Matches(@"^Waiting for test\.fundamentals for 2024-11-25; test\.prices arrived \d{4}-\d\d-\d\d \d\d:\d\d\.$", waiting.Sentence);

        var fundamentals = await _host.RunAsync("asset_fundamentals", session);
        var risk = Assert.Single(await SettledRuns(_host, "asset_risk", session, 1));

        Assert.Equal(RunKind.Asset, risk.Kind);
        Assert.Equal(RunState.Success, risk.State);
        Assert.StartsWith("asset__2024-11-25__", risk.RunId, StringComparison.Ordinal);
        var events = _host.Operations.TriggeringEvents("asset_risk", risk.RunId);
        Assert.Equal(["test.fundamentals", "test.prices"], events.Select(e => e.Asset));
        Assert.All(events, e => Assert.Equal(session, e.Partition));
        var pricesEvent = events.Single(e => e.Asset == "test.prices");
        Assert.Equal(("asset_prices", prices.RunId, "LoadPrices"), (pricesEvent.PipelineId, pricesEvent.RunId, pricesEvent.TaskId));
        Assert.Equal("1201", pricesEvent.Extra["rows"]);
        Assert.Equal(fundamentals.RunId, events.Single(e => e.Asset == "test.fundamentals").RunId);
        var done = _host.Operations.ExplainAssets("asset_risk", session);
        Assert.True(done.Met);
        Assert.EndsWith("; a run has started from these events, and a new event of test.prices or test.fundamentals starts another.", done.Sentence, StringComparison.Ordinal);
        // Another session's events start nothing for this one.
        Assert.Empty(RunsFor(_host.Operations, "asset_risk", session.PlusDays(-1)));
    }

    [Fact]
    public async Task An_any_condition_starts_on_either_asset_once_per_event()
    {
        var session = new LocalDate(2024, 11, 26);
        await _host.RunAsync("asset_fundamentals", session);
        var first = Assert.Single(await SettledRuns(_host, "asset_either", session, 1));
        Assert.Equal(["test.fundamentals"], _host.Operations.TriggeringEvents("asset_either", first.RunId).Select(e => e.Asset));

        await _host.RunAsync("asset_prices", session);
        var runs = await SettledRuns(_host, "asset_either", session, 2);
        Assert.Equal(2, runs.Count);
        Assert.Equal(["test.fundamentals", "test.prices"], _host.Operations.TriggeringEvents("asset_either", runs[1].RunId).Select(e => e.Asset));
    }

    [Fact]
    public async Task A_re_run_producer_emits_a_new_event_and_re_triggers_its_consumers_for_that_partition_once()
    {
        var session = new LocalDate(2024, 11, 27);
        var prices = await _host.RunAsync("asset_prices", session);
        await _host.RunAsync("asset_fundamentals", session);
        var before = Assert.Single(await SettledRuns(_host, "asset_risk", session, 1));

        _host.Operations.Clear("asset_prices", prices.RunId, ["LoadPrices"]);
        await Poll.UntilAsync(() => _host.Effects.Count(prices.RunId, "LoadPrices"), n => n == 2, "the cleared producer to run again");
        await _host.WaitAsync("asset_prices", prices.RunId);

        var runs = await SettledRuns(_host, "asset_risk", session, 2);
        Assert.Equal(2, runs.Count);
        Assert.Equal(before.RunId, runs[0].RunId);
        var again = _host.Operations.TriggeringEvents("asset_risk", runs[1].RunId);
        var oldPrices = _host.Operations.TriggeringEvents("asset_risk", before.RunId).Single(e => e.Asset == "test.prices");
        Assert.NotEqual(oldPrices.Id, again.Single(e => e.Asset == "test.prices").Id);
        Assert.Equal("1202", again.Single(e => e.Asset == "test.prices").Extra["rows"]);
        // The fundamentals event is the same one: only the new prices made a new combination.
        Assert.Equal(
            _host.Operations.TriggeringEvents("asset_risk", before.RunId).Single(e => e.Asset == "test.fundamentals").Id,
            again.Single(e => e.Asset == "test.fundamentals").Id);
        Assert.Equal(3, (await SettledRuns(_host, "asset_either", session, 3)).Count);
    }

    [Fact]
    public async Task An_external_event_posted_through_the_operations_api_starts_its_consumers_with_its_extra_data()
    {
        var session = new LocalDate(2024, 11, 28);
        var posted = _host.Operations.PostAssetEvent("test.vendor", session, new Dictionary<string, string> { ["file"] = "/data/vendor/2024-11-28.csv" });

        Assert.True(posted.Event.IsExternal);
        var started = Assert.Single(posted.StartedRuns);
        Assert.Equal("asset_vendor", started.PipelineId);
        var run = await _host.WaitAsync("asset_vendor", started.RunId);
        Assert.Equal(RunState.Success, run.State);
        Assert.Equal(session, run.LogicalDate);
        var trigger = Assert.Single(_host.Operations.TriggeringEvents("asset_vendor", run.RunId));
        Assert.Equal("/data/vendor/2024-11-28.csv", trigger.Extra["file"]);
        Assert.Equal(posted.Event.Id, Assert.Single(_host.Operations.AssetEvents("test.vendor")).Id);

        Assert.Throws<ArgumentException>(() => _host.Operations.PostAssetEvent("test vendor", session));
    }

    [Fact]
    public async Task An_event_committed_but_never_judged_a_crash_between_the_two_is_judged_by_the_reconciler()
    {
        var session = new LocalDate(2024, 11, 29);
        var now = SystemClock.Instance.GetCurrentInstant();
        // The producer's step committed its event, and the process died before judging the consumers.
        var lost = new AssetEvent(AssetEventId.New(now), "test.vendor", session, now, new Dictionary<string, string>());
        using (var connection = _host.Storage.GetConnection())
        using (var transaction = connection.CreateWriteTransaction())
        {
            AssetStore.Write(transaction, lost);
            transaction.Commit();
        }
        Assert.Empty(RunsFor(_host.Operations, "asset_vendor", session));

        _host.Services.GetRequiredService<PipelineReconciler>().Run();
        var run = Assert.Single(await SettledRuns(_host, "asset_vendor", session, 1));
        Assert.Equal(lost.Id, Assert.Single(run.TriggeredBy!).Id);
        // Judged once: the next pass finds nothing left and starts nothing more.
        _host.Services.GetRequiredService<PipelineReconciler>().Run();
        Assert.Single(await SettledRuns(_host, "asset_vendor", session, 1));
    }

    [Fact]
    public void An_asset_or_time_schedule_ticks_on_its_time_part()
    {
        // Its cron part makes scheduled runs as any cron pipeline's does; its asset part starts asset runs besides.
        var times = Pipelines.Schedules.PipelineSchedule.Parse(AssetVendor.Definition.Schedule);
        Assert.Equal("0 6 * * 1-5", times.TimeText);
        Assert.Equal(["test.vendor"], times.AssetNames);
        var monday6 = Instant.FromUtc(2024, 12, 2, 11, 0);
        var created = _host.Scheduler.TickAt("asset_vendor", monday6 + Duration.FromMinutes(1));
        var runId = Assert.Single(created);
        Assert.Equal(RunKind.Scheduled, _host.Operations.GetRun("asset_vendor", runId)!.Kind);
    }
}

public sealed class InMemoryAssetRuntimeTests : AssetRuntimeTests
{
    protected override JobStorage CreateStorage() => PipelineHost.InMemoryStorage();
}

public sealed class PostgreSqlAssetRuntimeTests : AssetRuntimeTests, IClassFixture<PostgreSqlAssetRuntimeTests.Database>
{
    private readonly Database _database;

    public PostgreSqlAssetRuntimeTests(Database database) => _database = database;

    protected override JobStorage CreateStorage() => PipelineHost.PostgreSqlStorage(_database.ConnectionString);

    public sealed class Database() : PostgresDatabase("assets");

    [Fact]
    public async Task Producers_finishing_at_once_on_two_servers_start_one_consumer_run_per_partition()
    {
        var effects = new SideEffects();
        await using var first = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(_database.ConnectionString), All, effects, serverName: "server-a");
        await using var second = await PipelineHost.StartAsync(PipelineHost.PostgreSqlStorage(_database.ConnectionString), All, effects, serverName: "server-b");

        // Ten sessions, each with its prices loaded by one server and its fundamentals by the other, all at once.
        var sessions = Enumerable.Range(0, 10).Select(i => new LocalDate(2025, 3, 3).PlusDays(i)).ToList();
        var producers = sessions.SelectMany(s => new[]
        {
            Task.Run(() => first.RunAsync("asset_prices", s)),
            Task.Run(() => second.RunAsync("asset_fundamentals", s)),
        });
        await Task.WhenAll(producers);

        foreach (var session in sessions)
        {
            var risk = Assert.Single(await SettledRuns(first, "asset_risk", session, 1));
            Assert.Equal(RunState.Success, risk.State);
            Assert.Equal(2, first.Operations.TriggeringEvents("asset_risk", risk.RunId).Count);
            // The class's own host is a third server on the same database; together they ran the risk model once.
            Assert.Equal(1, effects.Count(risk.RunId, "BuildRisk") + Host.Effects.Count(risk.RunId, "BuildRisk"));
        }
    }
}
