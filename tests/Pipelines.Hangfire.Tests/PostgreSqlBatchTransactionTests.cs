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
    private void Write(Action<IWriteOnlyTransaction> write, string resource = "pipelines:test:batch") =>
        Write((_, transaction) => write(transaction), resource);

    private void Write(Action<IStorageConnection, IWriteOnlyTransaction> write, string resource = "pipelines:test:batch")
    {
        using var connection = _storage.GetConnection();
        using var held = StorageLocks.Acquire(_storage, connection, resource, TimeSpan.FromSeconds(10));
        using var transaction = Assert.IsAssignableFrom<IPipelineTransactionStorage>(_storage).CreatePipelineTransaction(StorageLocks.Inner(held));
        Assert.NotNull(transaction);
        write(connection, transaction);
        transaction.Commit();
    }

    [Fact]
    public async Task A_job_created_in_the_batch_is_the_job_Hangfires_client_creates_and_Hangfires_fetch_hands_it_out()
    {
        const string queue = "batchjobs";
        var job = global::Hangfire.Common.Job.FromExpression(() => Console.WriteLine("batch", 7));
        var client = new BackgroundJobClient(_storage);
        var viaClient = client.Create(job, new EnqueuedState(queue));
        var jobs = new StepJobs(_storage, client, filters: null, factory: null);
        var viaBatch = new List<string>();
        Write((connection, transaction) =>
        {
            Assert.True(jobs.CreatesIn(transaction));
            viaBatch.Add(jobs.CreateIn((JobStorageTransaction)transaction, connection, job, new EnqueuedState(queue)));
            viaBatch.Add(jobs.CreateIn((JobStorageTransaction)transaction, connection, job, new ScheduledState(TimeSpan.FromDays(1))));
        });
        var (enqueued, scheduled) = (viaBatch[0], viaBatch[1]);
        Assert.True(long.Parse(scheduled) > long.Parse(enqueued));

        // Through Hangfire's API: the same job, state and parameters (the culture Hangfire's client filter captures).
        using (var connection = _storage.GetConnection())
        {
            var expected = connection.GetJobData(viaClient)!;
            var actual = connection.GetJobData(enqueued)!;
            Assert.Null(actual.LoadException);
            Assert.Equal("Enqueued", actual.State);
            Assert.Equal(expected.Job.Type, actual.Job.Type);
            Assert.Equal(expected.Job.Method, actual.Job.Method);
            Assert.Equal(expected.Job.Args, actual.Job.Args);
            Assert.Equal(queue, connection.GetStateData(enqueued)!.Data["Queue"]);
            Assert.Equal(connection.GetJobParameter(viaClient, "CurrentCulture"), connection.GetJobParameter(enqueued, "CurrentCulture"));
            Assert.NotNull(connection.GetJobParameter(enqueued, "CurrentCulture"));
            Assert.Equal("Scheduled", connection.GetJobData(scheduled)!.State);
            Assert.Contains(scheduled, ((JobStorageConnection)connection).GetAllItemsFromSet("schedule"));
        }
        // The rows Hangfire.PostgreSql wrote for its client's job, and its dashboard's counts.
        await using (var database = new Npgsql.NpgsqlConnection(_connectionString))
        {
            await database.OpenAsync();
            await using var rows = new Npgsql.NpgsqlCommand("""
                SELECT j.id, j.invocationdata::text, j.arguments::text, j.expireat IS NULL, j.statename, s.name, (SELECT count(*) FROM hangfire.jobqueue q WHERE q.jobid = j.id AND q.queue = $2)
                FROM hangfire.job j JOIN hangfire.state s ON s.id = j.stateid WHERE j.id = ANY($1) ORDER BY j.id = $3 DESC
                """, database);
            rows.Parameters.AddWithValue(new[] { long.Parse(viaClient), long.Parse(enqueued) });
            rows.Parameters.AddWithValue(queue);
            rows.Parameters.AddWithValue(long.Parse(viaClient));
            await using var reader = await rows.ExecuteReaderAsync();
            var read = new List<object[]>();
            while (await reader.ReadAsync())
            {
                var row = new object[7];
                reader.GetValues(row);
                read.Add(row);
            }
            Assert.Equal(2, read.Count);
            for (var column = 1; column < 7; column++) Assert.Equal(read[0][column], read[1][column]);
            Assert.Equal(true, read[1][3]);
            Assert.Equal(1L, read[1][6]);
        }
        Assert.Equal(2, _storage.GetMonitoringApi().EnqueuedCount(queue));

        // Hangfire.PostgreSql's fetch, as its workers call it, hands out both enqueued jobs. (Its workers running the
        // runtime's own jobs, which every step on PostgreSQL now creates in its batch, is the runtime spec's part.)
        using (var connection = _storage.GetConnection())
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            var fetched = new List<IFetchedJob> { connection.FetchNextJob(new[] { queue }, timeout.Token), connection.FetchNextJob(new[] { queue }, timeout.Token) };
            Assert.Equal(new[] { viaClient, enqueued }.Order(), fetched.Select(f => f.JobId).Order());
            foreach (var fetchedJob in fetched)
            {
                fetchedJob.RemoveFromQueue();
                fetchedJob.Dispose();
            }
        }
        Assert.Equal(0, _storage.GetMonitoringApi().EnqueuedCount(queue));
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

    /// <summary>
    /// Hash writes that follow each other go in one statement; the batch still leaves what the same writes one by one
    /// leave: the last value of a field written twice, and a hash removed between two writes holds only the later one.
    /// </summary>
    [Fact]
    public void Hash_writes_in_a_row_leave_what_they_leave_one_by_one()
    {
        Write(first => first.SetRangeInHash("batch:row", new Dictionary<string, string> { ["kept"] = "0", ["gone"] = "0" }));
        Write(write =>
        {
            write.SetRangeInHash("batch:row", new Dictionary<string, string> { ["a"] = "1", ["b"] = "1" });
            write.SetRangeInHash("batch:row2", new Dictionary<string, string> { ["a"] = "x" });
            write.SetRangeInHash("batch:row", new Dictionary<string, string> { ["b"] = "2", ["kept"] = "1" });
            write.RemoveHash("batch:row2");
            write.SetRangeInHash("batch:row2", new Dictionary<string, string> { ["b"] = "y" });
            write.SetRangeInHash("batch:row", new Dictionary<string, string> { ["b"] = "3" });
        });
        using var connection = _storage.GetConnection();
        Assert.Equal(new Dictionary<string, string> { ["kept"] = "1", ["gone"] = "0", ["a"] = "1", ["b"] = "3" }, connection.GetAllEntriesFromHash("batch:row"));
        Assert.Equal(new Dictionary<string, string> { ["b"] = "y" }, connection.GetAllEntriesFromHash("batch:row2"));
    }

    [Fact]
    public void Set_members_keep_their_newest_score_and_are_removed_and_list_items_are_appended_and_removed()
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

        // A removal takes every occurrence of the value, as Hangfire's own does (a delivered event leaves the outbox).
        Write(write => write.InsertToList("batch:l", "first"));
        Write(remove => remove.RemoveFromList("batch:l", "first"));
        Assert.Equal(new[] { "second" }, connection.GetAllItemsFromList("batch:l").ToArray());
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

        var error = Assert.Throws<NotSupportedException>(() => Write(refused => refused.TrimList("batch:l", 0, 1)));
        Assert.StartsWith("TrimList is not part of the runtime's batched PostgreSQL writes", error.Message, StringComparison.Ordinal);
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
    public void A_lock_whose_round_trip_fails_after_it_was_granted_is_released_not_left_with_a_pooled_connection()
    {
        var locks = new PostgreSqlAdvisoryLocks(_connectionString);
        var failing = new LockedQuery(() => new Npgsql.NpgsqlBatchCommand("SELECT 1 / 0"), _ => { });
        Assert.Throws<Npgsql.PostgresException>(() => locks.Acquire("pipelines:test:failed-read", TimeSpan.FromSeconds(5), failing));

        // Another session takes the lock at once: the failed one's session no longer holds it.
        using var connection = _storage.GetConnection();
        using var taken = StorageLocks.Acquire(_storage, connection, "pipelines:test:failed-read", TimeSpan.FromMilliseconds(500));
        Assert.NotNull(taken);
    }

    [Fact]
    public void A_write_sent_with_a_locks_first_round_trip_is_kept_whether_or_not_the_lock_is_free()
    {
        var storage = Assert.IsAssignableFrom<IPipelineReadStorage>(_storage);
        var fields = new[] { new KeyValuePair<string, string>("first:results", "A") };

        // Busy: a try's result is kept although its step times out waiting.
        using (var holder = _storage.GetConnection())
        using (StorageLocks.Acquire(_storage, holder, "pipelines:test:first", TimeSpan.FromSeconds(5)))
        {
            Assert.Throws<DistributedLockTimeoutException>(() =>
                storage.AcquirePipelineLockAndRead("pipelines:test:first", TimeSpan.FromMilliseconds(200), Array.Empty<string>(), fields, new HashFieldWrite("first:results", "A", "1|x|busy"), out _));
        }
        using (var connection = _storage.GetConnection()) Assert.Equal("1|x|busy", connection.GetAllEntriesFromHash("first:results")!["A"]);

        // Free: written, and read back with the lock in the same round trip.
        using (storage.AcquirePipelineLockAndRead("pipelines:test:first", TimeSpan.FromSeconds(5), Array.Empty<string>(), fields, new HashFieldWrite("first:results", "A", "2|y|free"), out var read))
        {
            Assert.Equal("2|y|free", read["first:results"]["A"]);
        }
        using (var connection = _storage.GetConnection()) Assert.Equal("2|y|free", connection.GetAllEntriesFromHash("first:results")!["A"]);
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
        using (storage.AcquirePipelineLockAndRead("pipelines:test:reads", TimeSpan.FromSeconds(5), new[] { "reads:run", "reads:none" }, fields, null, out var read))
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
            using var lockHeld = storage.AcquirePipelineLockAndRead("pipelines:test:reads", TimeSpan.FromSeconds(30), Array.Empty<string>(), fields, null, out var read);
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
