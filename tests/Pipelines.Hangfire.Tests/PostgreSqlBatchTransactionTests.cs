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

    public PostgreSqlBatchTransactionTests(Database database)
    {
        _connectionString = database.ConnectionString;
        _storage = PipelineHost.PostgreSqlStorage(database.ConnectionString);
    }

    public sealed class Database() : PostgresDatabase("batch");

    private readonly string _connectionString;

    /// <summary>Writes in the runtime's batch, on the session of a lock held for it, and commits.</summary>
    private void Write(Action<IWriteOnlyTransaction> write, string resource = "pipelines:test:batch")
    {
        using var connection = _storage.GetConnection();
        using var held = StorageLocks.Acquire(_storage, connection, resource, TimeSpan.FromSeconds(10));
        using var transaction = Assert.IsAssignableFrom<IPipelineTransactionStorage>(_storage).CreatePipelineTransaction(StorageLocks.Inner(held));
        Assert.NotNull(transaction);
        write(transaction);
        transaction.Commit();
    }

    [Fact]
    public void Hash_fields_are_inserted_and_updated_in_one_commit_and_read_by_Hangfire()
    {
        Write(first => first.SetRangeInHash("batch:h", new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" }));
        Write(second =>
        {
            second.SetRangeInHash("batch:h", new Dictionary<string, string> { ["b"] = "two", ["c"] = "3" });
            second.SetRangeInHash("batch:other", new Dictionary<string, string> { ["x"] = "y" });
        });
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
        Write(write =>
        {
            write.AddToSet("batch:s", "m1", 5);
            write.AddToSet("batch:s", "m2");
            write.AddToSet("batch:s", "m1", 7);
            write.InsertToList("batch:l", "first");
            write.InsertToList("batch:l", "second");
        });
        using var connection = (JobStorageConnection)_storage.GetConnection();
        Assert.Equal(new[] { "m2", "m1" }, connection.GetFirstByLowestScoreFromSet("batch:s", double.MinValue, double.MaxValue, 10));
        Assert.Equal(new[] { "m1" }, connection.GetFirstByLowestScoreFromSet("batch:s", 6, 8, 10));
        Write(remove => remove.RemoveFromSet("batch:s", "m2"));
        Assert.Equal(new[] { "m1" }, connection.GetAllItemsFromSet("batch:s").ToArray());
        Assert.Equal(2, connection.GetListCount("batch:l"));
        Assert.Contains("first", connection.GetAllItemsFromList("batch:l"));
    }

    [Fact]
    public void A_job_state_entry_shows_in_the_jobs_history_on_Hangfires_dashboard_api()
    {
        var jobId = new BackgroundJobClient(_storage).Create(() => Console.WriteLine("batch"), new ScheduledState(TimeSpan.FromDays(1)));
        Write(write => write.AddJobState(jobId, new PipelineTaskState("linear", "manual__2024-01-02__x", "Extract", 2)));
        var details = _storage.GetMonitoringApi().JobDetails(jobId);
        var entry = Assert.Single(details.History, h => h.StateName == PipelineTaskState.StateName);
        Assert.Equal("Extract", entry.Data["Task"]);
        Assert.Equal("2", entry.Data["Try"]);
    }

    [Fact]
    public void Nothing_is_written_when_a_statement_fails_and_a_job_operation_is_refused_by_name()
    {
        Assert.ThrowsAny<Exception>(() => Write(write =>
        {
            write.SetRangeInHash("batch:atomic", new Dictionary<string, string> { ["f"] = "v" });
            write.AddJobState("999999999", new PipelineTaskState("p", "r", "t", 1)); // no such job: the state row's foreign key fails
        }));
        using (var connection = _storage.GetConnection())
            Assert.True(connection.GetAllEntriesFromHash("batch:atomic") is null or { Count: 0 });

        var error = Assert.Throws<NotSupportedException>(() => Write(refused => refused.AddToQueue("default", "1")));
        Assert.StartsWith("AddToQueue is not part of the runtime's batched PostgreSQL writes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_commit_whose_lock_session_died_fails_and_writes_nothing()
    {
        // The lock's session ends (a network cut, an administrator, a failover): PostgreSQL frees the lock, and another
        // server may take it. The step that held it must not commit beside the new holder.
        object? terminated = null;
        var killed = Assert.ThrowsAny<Exception>(() => Write(write =>
        {
            write.SetRangeInHash("batch:fenced", new Dictionary<string, string> { ["f"] = "v" });
            using var admin = new Npgsql.NpgsqlConnection(_connectionString);
            admin.Open();
            // Only the session holding this test's lock (the key is how PostgreSqlAdvisoryLocks hashes the resource).
            using var kill = new Npgsql.NpgsqlCommand("""
                SELECT pg_terminate_backend(l.pid) FROM pg_locks l, (SELECT hashtextextended('pipelines:test:fenced', 0) AS k) h
                WHERE l.locktype = 'advisory' AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                  AND l.classid = ((h.k >> 32) & 4294967295)::oid AND l.objid = (h.k & 4294967295)::oid
                """, admin);
            terminated = kill.ExecuteScalar();
        }, "pipelines:test:fenced"));
        Assert.Equal(true, terminated);
        Assert.IsAssignableFrom<Npgsql.NpgsqlException>(killed);
        using var connection = _storage.GetConnection();
        Assert.True(connection.GetAllEntriesFromHash("batch:fenced") is null or { Count: 0 });
    }

    [Fact]
    public void A_commit_releases_the_lock_in_its_round_trip_and_a_failed_one_keeps_it_until_disposed()
    {
        const string resource = "pipelines:test:release";
        bool FreeForAnother()
        {
            using var other = _storage.GetConnection();
            try
            {
                using (StorageLocks.Acquire(_storage, other, resource, TimeSpan.Zero)) return true;
            }
            catch (DistributedLockTimeoutException)
            {
                return false;
            }
        }

        using (var connection = _storage.GetConnection())
        using (var held = StorageLocks.Acquire(_storage, connection, resource, TimeSpan.FromSeconds(5)))
        {
            var transaction = Assert.IsAssignableFrom<IPipelineTransactionStorage>(_storage).CreatePipelineTransaction(StorageLocks.Inner(held))!;
            transaction.SetRangeInHash("batch:release", new Dictionary<string, string> { ["f"] = "v" });
            Assert.False(FreeForAnother());
            transaction.Commit();
            // Committed and released together: the next holder takes the lock before this one is disposed, and reads the write.
            Assert.True(FreeForAnother());
            using var reader = _storage.GetConnection();
            Assert.Equal("v", reader.GetAllEntriesFromHash("batch:release")!["f"]);
        }

        using (var connection = _storage.GetConnection())
        using (var held = StorageLocks.Acquire(_storage, connection, resource, TimeSpan.FromSeconds(5)))
        {
            var transaction = Assert.IsAssignableFrom<IPipelineTransactionStorage>(_storage).CreatePipelineTransaction(StorageLocks.Inner(held))!;
            transaction.AddJobState("999999999", new PipelineTaskState("p", "r", "t", 1)); // fails: no such job
            Assert.ThrowsAny<Npgsql.PostgresException>(() => transaction.Commit());
            Assert.False(FreeForAnother());
        }
        Assert.True(FreeForAnother());
    }

    [Fact]
    public async Task A_steps_first_reads_come_with_its_lock_whole_or_by_field_and_see_what_the_previous_holder_committed()
    {
        Write(write =>
        {
            write.SetRangeInHash("reads:run", new Dictionary<string, string> { ["state"] = "running", ["kind"] = "manual" });
            write.SetRangeInHash("reads:tasks", new Dictionary<string, string> { ["A"] = "success|{}", ["B"] = "queued|{}", ["C"] = "running|{}" });
        });
        var storage = Assert.IsAssignableFrom<IPipelineReadStorage>(_storage);
        var fields = new[] { new KeyValuePair<string, string>("reads:tasks", "A"), new("reads:tasks", "C"), new("reads:tasks", "missing"), new("reads:run", "state") };
        using (var connection = _storage.GetConnection())
        using (storage.AcquirePipelineLockAndRead("pipelines:test:reads", TimeSpan.FromSeconds(5), new[] { "reads:run", "reads:none" }, fields, out var read))
        {
            Assert.Equal(connection.GetAllEntriesFromHash("reads:run"), read["reads:run"]);
            Assert.Equal(new Dictionary<string, string> { ["A"] = "success|{}", ["C"] = "running|{}" }, read["reads:tasks"]);
            Assert.False(read.ContainsKey("reads:none"));
        }

        // A step holds the lock and commits a change: the next holder, waiting meanwhile, reads the change with its lock.
        using var holder = _storage.GetConnection();
        var held = StorageLocks.Acquire(_storage, holder, "pipelines:test:reads", TimeSpan.FromSeconds(5));
        var next = Task.Run(() =>
        {
            using var lockHeld = storage.AcquirePipelineLockAndRead("pipelines:test:reads", TimeSpan.FromSeconds(30), Array.Empty<string>(), fields, out var read);
            return read["reads:tasks"]["A"];
        });
        await Task.Delay(300);
        Assert.False(next.IsCompleted);
        var transaction = Assert.IsAssignableFrom<IPipelineTransactionStorage>(_storage).CreatePipelineTransaction(StorageLocks.Inner(held))!;
        transaction.SetRangeInHash("reads:tasks", new Dictionary<string, string> { ["A"] = "failed|{}" });
        transaction.Commit();
        held.Dispose();
        Assert.Equal("failed|{}", await next);
    }

    [Fact]
    public void A_lock_of_another_kind_gets_no_batch_so_the_step_uses_Hangfires_transaction()
    {
        var batch = Assert.IsAssignableFrom<IPipelineTransactionStorage>(_storage).CreatePipelineTransaction(new MemoryStream());
        Assert.Null(batch);
    }
}
