using System.Diagnostics;
using System.Text.Json;
using global::Hangfire;
using NodaTime;
using Pipelines.Hangfire.Tests.Infrastructure;
using Pipelines.Hangfire.Tests.TestPipelines;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// A list of runs (the pipeline page, the Pipelines page, <c>runs</c>, the API) is read together where the storage reads
/// many hashes at once (<see cref="IPipelineHashReadStorage"/>: PostgreSQL in one statement, Redis in one transaction)
/// instead of two round trips per run through Hangfire's connection, and reads the same runs. Against real servers, with
/// runs made by a real Hangfire server.
/// </summary>
public abstract class RunListReadTests
{
    protected abstract JobStorage CreateStorage();

    /// <summary>Three runs of every shape a list shows (succeeded, failed with upstream_failed downstream, mapped instances), newest first.</summary>
    protected async Task<List<string>> MakeRunsAsync()
    {
        await using var host = await PipelineHost.StartAsync(CreateStorage(), new[] { Mapped.Definition });
        var runs = new[]
        {
            await host.RunAsync("mapped", new LocalDate(2024, 5, 1), new Dictionary<string, string> { ["files"] = "3" }),
            await host.RunAsync("mapped", new LocalDate(2024, 5, 2), new Dictionary<string, string> { ["files"] = "2", ["fail"] = "file1.csv" }),
            await host.RunAsync("mapped", new LocalDate(2024, 5, 3), new Dictionary<string, string> { ["files"] = "0" }),
        };
        Assert.Equal(new[] { RunState.Success, RunState.Failed, RunState.Success }, runs.Select(r => r.State));
        return runs.Select(r => r.RunId).Reverse().ToList();
    }

    /// <summary>Reads <paramref name="ids"/> with an id of no run among them, as a list reads them, and checks each run reads as it does on its own.</summary>
    protected static void AssertListedAsAlone(JobStorage storage, List<string> ids, Action<Action> watched)
    {
        using var connection = storage.GetConnection();
        var alone = ids.Select(id => PipelineStore.ReadRun(connection, Mapped.Definition, id)!).ToList();
        var asked = ids.Take(1).Append("manual__2020-01-01__0").Concat(ids.Skip(1)).ToList();

        IReadOnlyList<PipelineRun> listed = Array.Empty<PipelineRun>();
        watched(() => listed = PipelineStore.ReadRuns(storage, connection, Mapped.Definition, asked));

        // A run with no record is left out; the others keep their order and read as they do on their own.
        Assert.Equal(ids, listed.Select(r => r.RunId));
        Assert.Equal(alone.Select(r => JsonSerializer.Serialize(r)), listed.Select(r => JsonSerializer.Serialize(r)));
        Assert.Equal(TaskState.Failed, listed[1].Instances["Load"][1].State);
        Assert.Equal(TaskState.UpstreamFailed, listed[1]["Report"].State);
        Assert.Equal(3, listed[2].Instances["Load"].Length);
    }

    [Fact]
    public async Task Runs_read_together_read_as_each_run_does_on_its_own()
    {
        var ids = await MakeRunsAsync();
        var storage = CreateStorage();
        // Read together, not a run at a time (the fallback every other storage takes).
        Assert.IsAssignableFrom<IPipelineHashReadStorage>(storage);
        AssertListedAsAlone(storage, ids, read => read());
    }

    [Fact]
    public async Task Asset_runs_read_together_show_the_events_that_started_them()
    {
        var session = new LocalDate(2024, 12, 2);
        List<string> ids;
        await using (var host = await PipelineHost.StartAsync(CreateStorage(), AssetRuntimeTests.All))
        {
            await host.RunAsync("asset_prices", session);
            await host.RunAsync("asset_fundamentals", session);
            ids = (await AssetRuntimeTests.SettledRuns(host, "asset_risk", session, 1)).Select(r => r.RunId).ToList();
        }
        var manual = "manual__2024-12-02__0";
        var storage = CreateStorage();
        using var connection = storage.GetConnection();
        var alone = ids.Select(id => PipelineStore.ReadRun(connection, AssetRisk.Definition, id)!).ToList();

        var listed = PipelineStore.ReadRuns(storage, connection, AssetRisk.Definition, ids.Append(manual).ToList());

        var run = Assert.Single(listed);
        Assert.Equal(["test.fundamentals", "test.prices"], run.TriggeredBy!.Select(e => e.Asset).Order());
        Assert.All(run.TriggeredBy!, e => Assert.Equal(session, e.Partition));
        Assert.Equal(alone.Select(r => JsonSerializer.Serialize(r)), listed.Select(r => JsonSerializer.Serialize(r)));
    }

    [Fact]
    public async Task Run_records_read_together_are_each_runs_own_record()
    {
        // What the deadline watcher and its health check read of every unfinished run.
        var ids = await MakeRunsAsync();
        var storage = CreateStorage();
        using var connection = storage.GetConnection();
        var asked = ids.Append("manual__2020-01-01__0").ToList();

        var records = PipelineStore.ReadRunRecords(storage, connection, "mapped", asked);

        Assert.Equal(ids.Order(), records.Keys.Order());
        Assert.Equal(new LocalDate?[] { new(2024, 5, 1), new(2024, 5, 2), new(2024, 5, 3) }, records.Values.Select(r => r.LogicalDate).Order());
        foreach (var id in ids)
        {
            Assert.Equal(PipelineStore.ReadRunRecord(connection, "mapped", id)!.Fields, records[id].Fields);
        }
        Assert.Empty(PipelineStore.ReadRunRecords(storage, connection, "mapped", Array.Empty<string>()));
    }

    [Fact]
    public void Hashes_read_together_are_what_Hangfires_connection_reads_one_by_one()
    {
        var storage = CreateStorage();
        using (var connection = storage.GetConnection())
        using (var transaction = connection.CreateWriteTransaction())
        {
            transaction.SetRangeInHash("runlist:a", new Dictionary<string, string> { ["x"] = "1", ["y"] = "" });
            transaction.SetRangeInHash("runlist:b", new Dictionary<string, string> { ["z"] = "zz|{\"json\":true}" });
            transaction.Commit();
        }

        var hashes = Assert.IsAssignableFrom<IPipelineHashReadStorage>(storage);
        var read = hashes.ReadHashes(new[] { "runlist:a", "runlist:b", "runlist:absent" });

        using var reader = storage.GetConnection();
        Assert.Equal(new[] { "runlist:a", "runlist:b" }, read.Keys.Order());
        Assert.Equal(reader.GetAllEntriesFromHash("runlist:a"), read["runlist:a"]);
        Assert.Equal(reader.GetAllEntriesFromHash("runlist:b"), read["runlist:b"]);
        Assert.Null(reader.GetAllEntriesFromHash("runlist:absent"));
        Assert.Empty(hashes.ReadHashes(Array.Empty<string>()));
    }
}

/// <summary><see cref="RunListReadTests"/> on a real PostgreSQL server, where the list is one statement.</summary>
public sealed class PostgreSqlRunListReadTests(PostgreSqlRunListReadTests.Database database) : RunListReadTests, IClassFixture<PostgreSqlRunListReadTests.Database>
{
    public sealed class Database() : PostgresDatabase("runlist");

    protected override JobStorage CreateStorage() => PipelineHost.PostgreSqlStorage(database.ConnectionString);

    [Fact]
    public async Task A_list_of_runs_is_one_statement()
    {
        var ids = await MakeRunsAsync();
        List<string> statements = new();
        AssertListedAsAlone(CreateStorage(), ids, read =>
        {
            using var watch = new StatementWatch();
            read();
            statements = watch.Statements;
        });
        // Both hashes of every run, in one statement (Hangfire's connection reads a hash per statement).
        Assert.Single(statements);
        Assert.Contains("\"hash\"", statements[0], StringComparison.Ordinal);
    }

    /// <summary>
    /// The statements Npgsql runs for this thread's work while it is open, from Npgsql's own tracing: its <c>Npgsql</c>
    /// activities in a trace of the watch's own, so other tests' statements and a storage's background ones (a job
    /// listener's check) are not counted.
    /// </summary>
    private sealed class StatementWatch : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly Activity _trace;
        private readonly List<string> _statements = new();

        public StatementWatch()
        {
            _trace = new Activity("run-list-read").SetIdFormat(ActivityIdFormat.W3C).Start();
            var traceId = _trace.TraceId;
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == "Npgsql",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity =>
                {
                    if (activity.TraceId != traceId) return;
                    // Opening a physical connection is traced too, without a statement.
                    if ((activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement")) is not string text) return;
                    lock (_statements) _statements.Add(text);
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public List<string> Statements
        {
            get
            {
                lock (_statements) return _statements.ToList();
            }
        }

        public void Dispose()
        {
            _listener.Dispose();
            _trace.Stop();
        }
    }
}

/// <summary><see cref="RunListReadTests"/> on a real Redis server, under a key prefix of this class's own.</summary>
public sealed class RedisRunListReadTests : RunListReadTests
{
    private static readonly string s_prefix = RedisServer.NewPrefix("runlist");

    protected override JobStorage CreateStorage() => PipelineHost.RedisStorage(s_prefix);
}
