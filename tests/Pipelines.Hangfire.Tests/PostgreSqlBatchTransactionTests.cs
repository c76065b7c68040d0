using global::Hangfire;
using global::Hangfire.States;
using global::Hangfire.Storage;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// The runtime's batched PostgreSQL writes (PostgreSqlBatchTransaction) land where Hangfire.PostgreSql's own transaction
/// puts them: read back through Hangfire's connection and monitoring API, on a real PostgreSQL server.
/// </summary>
public sealed class PostgreSqlBatchTransactionTests : IClassFixture<PostgreSqlBatchTransactionTests.Database>
{
    private readonly JobStorage _storage;

    public PostgreSqlBatchTransactionTests(Database database) => _storage = PipelineHost.PostgreSqlStorage(database.ConnectionString);

    public sealed class Database() : PostgresDatabase("batch");

    private IWriteOnlyTransaction Batch() => Assert.IsAssignableFrom<IPipelineTransactionStorage>(_storage).CreatePipelineTransaction();

    [Fact]
    public void Hash_fields_are_inserted_and_updated_in_one_commit_and_read_by_Hangfire()
    {
        using (var first = Batch())
        {
            first.SetRangeInHash("batch:h", new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" });
            first.Commit();
        }
        using (var second = Batch())
        {
            second.SetRangeInHash("batch:h", new Dictionary<string, string> { ["b"] = "two", ["c"] = "3" });
            second.SetRangeInHash("batch:other", new Dictionary<string, string> { ["x"] = "y" });
            second.Commit();
        }
        using var connection = _storage.GetConnection();
        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["b"] = "two", ["c"] = "3" }, connection.GetAllEntriesFromHash("batch:h"));
        Assert.Equal("y", ((JobStorageConnection)connection).GetValueFromHash("batch:other", "x"));

        // Hangfire's own transaction updates a field the batch wrote (the same row, by hash's unique key and field).
        using (var hangfire = connection.CreateWriteTransaction())
        {
            hangfire.SetRangeInHash("batch:h", new Dictionary<string, string> { ["a"] = "one" });
            hangfire.Commit();
        }
        Assert.Equal("one", connection.GetAllEntriesFromHash("batch:h")!["a"]);
    }

    [Fact]
    public void Set_members_keep_their_newest_score_and_are_removed_and_list_items_are_appended()
    {
        using (var write = Batch())
        {
            write.AddToSet("batch:s", "m1", 5);
            write.AddToSet("batch:s", "m2");
            write.AddToSet("batch:s", "m1", 7);
            write.InsertToList("batch:l", "first");
            write.InsertToList("batch:l", "second");
            write.Commit();
        }
        using var connection = (JobStorageConnection)_storage.GetConnection();
        Assert.Equal(new[] { "m2", "m1" }, connection.GetFirstByLowestScoreFromSet("batch:s", double.MinValue, double.MaxValue, 10));
        Assert.Equal(new[] { "m1" }, connection.GetFirstByLowestScoreFromSet("batch:s", 6, 8, 10));
        using (var remove = Batch())
        {
            remove.RemoveFromSet("batch:s", "m2");
            remove.Commit();
        }
        Assert.Equal(new[] { "m1" }, connection.GetAllItemsFromSet("batch:s").ToArray());
        Assert.Equal(2, connection.GetListCount("batch:l"));
        Assert.Contains("first", connection.GetAllItemsFromList("batch:l"));
    }

    [Fact]
    public void A_job_state_entry_shows_in_the_jobs_history_on_Hangfires_dashboard_api()
    {
        var jobId = new BackgroundJobClient(_storage).Create(() => Console.WriteLine("batch"), new ScheduledState(TimeSpan.FromDays(1)));
        using (var write = Batch())
        {
            write.AddJobState(jobId, new PipelineTaskState("linear", "manual__2024-01-02__x", "Extract", 2));
            write.Commit();
        }
        var details = _storage.GetMonitoringApi().JobDetails(jobId);
        var entry = Assert.Single(details.History, h => h.StateName == PipelineTaskState.StateName);
        Assert.Equal("Extract", entry.Data["Task"]);
        Assert.Equal("2", entry.Data["Try"]);
    }

    [Fact]
    public void Nothing_is_written_when_a_statement_fails_and_a_job_operation_is_refused_by_name()
    {
        using (var write = Batch())
        {
            write.SetRangeInHash("batch:atomic", new Dictionary<string, string> { ["f"] = "v" });
            write.AddJobState("999999999", new PipelineTaskState("p", "r", "t", 1)); // no such job: the state row's foreign key fails
            Assert.ThrowsAny<Exception>(() => write.Commit());
        }
        using (var connection = _storage.GetConnection())
            Assert.True(connection.GetAllEntriesFromHash("batch:atomic") is null or { Count: 0 });

        using var refused = Batch();
        var error = Assert.Throws<NotSupportedException>(() => refused.AddToQueue("default", "1"));
        Assert.StartsWith("AddToQueue is not part of the runtime's batched PostgreSQL writes", error.Message, StringComparison.Ordinal);
    }
}
