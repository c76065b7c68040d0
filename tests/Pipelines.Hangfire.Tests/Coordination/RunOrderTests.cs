using System.Collections.Immutable;
using global::Hangfire;
using Hangfire.InMemory;
using NodaTime;

namespace Pipelines.Hangfire.Tests.Coordination;

/// <summary>
/// The order depends-on-past follows: by logical date (as Airflow's DAG runs), then, for runs sharing a date, by when they
/// were created, so a manual run of a date that already has a run waits for that run's task.
/// </summary>
public abstract class RunOrderTests
{
    protected abstract JobStorage CreateStorage();

    // xunit makes an instance per test: each test has a pipeline of its own in a shared database.
    private readonly string _pipeline = "ordered_" + Guid.NewGuid().ToString("N")[..6];
    private static readonly Instant Morning = Instant.FromUtc(2024, 3, 8, 8, 0);

    private void Add(JobStorage storage, string runId, LocalDate date, Instant createdAt)
    {
        var run = new PipelineRun(_pipeline, runId, RunKind.Manual, date, new Interval(createdAt, createdAt), new Dictionary<string, string>(), RunState.Success, createdAt, null, null, ImmutableArray<TaskInstance>.Empty);
        using var connection = storage.GetConnection();
        using var transaction = connection.CreateWriteTransaction();
        PipelineStore.WriteRun(transaction, run);
        transaction.AddToSet(PipelineStore.RunsKey(_pipeline), runId, PipelineStore.Score(date, createdAt));
        transaction.Commit();
    }

    private string? Previous(JobStorage storage, string runId)
    {
        using var connection = storage.GetConnection();
        return RunOrder.Previous(connection, _pipeline, runId, PipelineStore.ReadRunRecord(connection, _pipeline, runId)!)?.RunId;
    }

    private string? Next(JobStorage storage, string runId)
    {
        using var connection = storage.GetConnection();
        return RunOrder.Next(connection, _pipeline, runId);
    }

    [Fact]
    public void Runs_follow_their_logical_dates_then_their_creation()
    {
        var storage = CreateStorage();
        Add(storage, "first", new LocalDate(2024, 3, 1), Morning);
        // Created later, a backfill of an earlier date still comes first.
        Add(storage, "backfill", new LocalDate(2023, 12, 29), Morning + Duration.FromDays(3));
        // Two runs of 2024-03-04: the manual one, created the next day at an earlier time of day, comes after the scheduled one.
        Add(storage, "scheduled", new LocalDate(2024, 3, 4), Morning + Duration.FromHours(10));
        Add(storage, "manual", new LocalDate(2024, 3, 4), Morning + Duration.FromDays(1));
        Add(storage, "far", new LocalDate(2024, 9, 30), Morning);

        Assert.Null(Previous(storage, "backfill"));
        Assert.Equal("backfill", Previous(storage, "first"));
        Assert.Equal("first", Previous(storage, "scheduled"));
        Assert.Equal("scheduled", Previous(storage, "manual"));
        Assert.Equal("manual", Previous(storage, "far"));

        Assert.Equal("first", Next(storage, "backfill"));
        Assert.Equal("scheduled", Next(storage, "first"));
        Assert.Equal("manual", Next(storage, "scheduled"));
        Assert.Equal("far", Next(storage, "manual"));
        Assert.Null(Next(storage, "far"));
    }

    [Fact]
    public void A_pipelines_only_run_has_no_neighbours()
    {
        var storage = CreateStorage();
        Add(storage, "only", new LocalDate(2024, 3, 1), Morning);
        Assert.Null(Previous(storage, "only"));
        Assert.Null(Next(storage, "only"));
    }
}

public sealed class InMemoryRunOrderTests : RunOrderTests
{
    protected override JobStorage CreateStorage() => new InMemoryStorage(new InMemoryStorageOptions());
}

public sealed class PostgreSqlRunOrderTests : RunOrderTests, IClassFixture<PostgreSqlRunOrderTests.Database>
{
    private readonly Database _database;

    public PostgreSqlRunOrderTests(Database database) => _database = database;

    protected override JobStorage CreateStorage() => Infrastructure.PipelineHost.PostgreSqlStorage(_database.ConnectionString);

    public sealed class Database() : Infrastructure.PostgresDatabase("run_order");
}

public sealed class RedisRunOrderTests : RunOrderTests
{
    private static readonly string s_prefix = Infrastructure.RedisServer.NewPrefix("run-order");

    protected override JobStorage CreateStorage() => Infrastructure.PipelineHost.RedisStorage(s_prefix);
}
