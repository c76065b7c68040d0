using global::Hangfire;
using global::Hangfire.Storage;
using Pipelines.Hangfire.Tests.Infrastructure;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// The runtime's lock: the storage's own on PostgreSQL (advisory locks, through <see cref="IPipelineLockStorage"/>),
/// semaphores in the process for Hangfire.InMemory (<see cref="ProcessLocks"/>) and Hangfire's elsewhere. Each must exclude, and give up at its timeout with Hangfire's exception.
/// </summary>
public sealed class StorageLockTests : IClassFixture<PostgreSqlRuntimeTests.Database>
{
    private readonly PostgreSqlRuntimeTests.Database _database;

    public StorageLockTests(PostgreSqlRuntimeTests.Database database) => _database = database;

    public static TheoryData<string> Storages => new() { "postgres", "memory", "redis" };

    private JobStorage Storage(string kind) => kind switch
    {
        "postgres" => PipelineHost.PostgreSqlStorage(_database.ConnectionString),
        "redis" => PipelineHost.RedisStorage(RedisServer.NewPrefix("locks")),
        _ => PipelineHost.InMemoryStorage(),
    };

    [Theory]
    [MemberData(nameof(Storages))]
    public void Eight_contending_writers_each_read_modify_write_under_the_lock_and_lose_no_update(string kind)
    {
        var storage = Storage(kind);
        const string Resource = "pipelines:test:lock:counter";
        const string Key = "pipelines:test:counter";
        // Dedicated threads, as Hangfire's workers are: eight thread-pool threads blocked in synchronous calls starve the
        // pool that StackExchange.Redis completes its reads on (2 cores start with 2 pool threads), which timed the Redis
        // case out now and then without saying anything about the lock.
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var writers = Enumerable.Range(0, 8).Select(_ => new Thread(() =>
        {
            try
            {
                Write();
            }
            catch (Exception ex)
            {
                failures.Enqueue(ex);
            }
        })).ToList();
        writers.ForEach(t => t.Start());
        writers.ForEach(t => t.Join());
        Assert.Empty(failures);
        using var reader = storage.GetConnection();
        Assert.Equal("200", reader.GetAllEntriesFromHash(Key)!["n"]);

        void Write()
        {
            for (var i = 0; i < 25; i++)
            {
                using var connection = storage.GetConnection();
                using (StorageLocks.Acquire(storage, connection, Resource, TimeSpan.FromSeconds(30)))
                {
                    var value = int.Parse(connection.GetAllEntriesFromHash(Key)?.GetValueOrDefault("n") ?? "0", System.Globalization.CultureInfo.InvariantCulture);
                    using var transaction = connection.CreateWriteTransaction();
                    transaction.SetRangeInHash(Key, new Dictionary<string, string> { ["n"] = (value + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) });
                    transaction.Commit();
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Storages))]
    public void A_lock_held_elsewhere_times_out_with_Hangfires_exception_then_is_free_once_released(string kind)
    {
        var storage = Storage(kind);
        const string Resource = "pipelines:test:lock:held";
        using var holder = storage.GetConnection();
        var held = StorageLocks.Acquire(storage, holder, Resource, TimeSpan.FromSeconds(5));
        var waiter = Task.Run(() =>
        {
            using var connection = storage.GetConnection();
            using var _ = StorageLocks.Acquire(storage, connection, Resource, TimeSpan.FromMilliseconds(300));
        });
        Assert.ThrowsAny<DistributedLockTimeoutException>(() => waiter.GetAwaiter().GetResult());
        held.Dispose();
        using var again = storage.GetConnection();
        using (StorageLocks.Acquire(storage, again, Resource, TimeSpan.FromSeconds(5))) { }
    }
}

/// <summary>Task records: the state prefix, and records written before it existed.</summary>
public sealed class TaskRecordTests
{
    [Fact]
    public void In_memory_a_hold_among_the_exclusive_ones_lets_shared_holders_in_and_keeps_exclusive_ones_out()
    {
        var locks = ProcessLocks.Of(new global::Hangfire.InMemory.InMemoryStorage());
        const string resource = "pipelines:test:among";

        // A step that queues undecided tasks holds it: tries start meanwhile (shared), steps wait.
        using (locks.AcquireAmongExclusive(resource, TimeSpan.Zero))
        {
            locks.AcquireShared(resource, TimeSpan.Zero).Dispose();
            Assert.Throws<DistributedLockTimeoutException>(() => locks.Acquire(resource, TimeSpan.FromMilliseconds(50)));
            Assert.Throws<DistributedLockTimeoutException>(() => locks.AcquireAmongExclusive(resource, TimeSpan.FromMilliseconds(50)));
        }

        // It waits for an exclusive holder, which keeps shared ones out, and for shared ones not at all.
        using (locks.Acquire(resource, TimeSpan.Zero))
        {
            Assert.Throws<DistributedLockTimeoutException>(() => locks.AcquireAmongExclusive(resource, TimeSpan.FromMilliseconds(50)));
            Assert.Throws<DistributedLockTimeoutException>(() => locks.AcquireShared(resource, TimeSpan.FromMilliseconds(50)));
        }
        using (locks.AcquireShared(resource, TimeSpan.Zero))
        {
            locks.AcquireAmongExclusive(resource, TimeSpan.Zero).Dispose();
        }
        locks.Acquire(resource, TimeSpan.Zero).Dispose();
    }

    [Fact]
    public async Task In_memory_shared_holders_share_an_exclusive_waits_for_them_and_keeps_new_ones_out_and_one_that_gives_up_lets_them_in()
    {
        var locks = ProcessLocks.Of(new global::Hangfire.InMemory.InMemoryStorage());
        const string resource = "pipelines:test:shared";
        var first = locks.AcquireShared(resource, TimeSpan.Zero);
        var second = locks.AcquireShared(resource, TimeSpan.Zero);

        // An exclusive acquire that will not wait long gives up while the shared holders are in, and lets others in after it.
        Assert.Throws<DistributedLockTimeoutException>(() => locks.Acquire(resource, TimeSpan.FromMilliseconds(100)));
        locks.AcquireShared(resource, TimeSpan.Zero).Dispose();

        // One that waits is granted the lock once both have left, and while it waits no new shared holder enters.
        var exclusive = Task.Run(() => locks.Acquire(resource, TimeSpan.FromSeconds(30)));
        await Poll.UntilAsync(() =>
        {
            try
            {
                locks.AcquireShared(resource, TimeSpan.Zero).Dispose();
                return false;
            }
            catch (DistributedLockTimeoutException)
            {
                return true;
            }
        }, "the exclusive acquire to keep new shared holders out");
        first.Dispose();
        await Task.Delay(100);
        Assert.False(exclusive.IsCompleted);
        second.Dispose();
        var held = await exclusive;
        Assert.Throws<DistributedLockTimeoutException>(() => locks.AcquireShared(resource, TimeSpan.FromMilliseconds(50)));
        held.Dispose();
        locks.AcquireShared(resource, TimeSpan.Zero).Dispose();
        locks.Acquire(resource, TimeSpan.Zero).Dispose();
    }

    /// <summary>
    /// A record is written in one pass (<see cref="TaskRecordText"/>) as exactly the JSON System.Text.Json writes for the
    /// type records are read as, with the web defaults, as every record in storage was written; and it reads back as the
    /// task it was written from.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_record_is_the_json_the_serializer_writes_for_its_fields_and_reads_back_whole(bool full)
    {
        var now = NodaTime.Instant.FromUtc(2026, 12, 3, 21, 30, 15) + NodaTime.Duration.FromTicks(1234567);
        var task = full
            ? new TaskInstance("Load[3]", TaskState.UpForRetry, 3, now, now + NodaTime.Duration.FromSeconds(2), "server-é:1",
                "Try 2 failed: <IOException> \"a|b\" & 'c'\n\u0001 — retrying.", System.Collections.Immutable.ImmutableArray.Create("41", "97"), now - NodaTime.Duration.FromMinutes(1))
            {
                FirstTry = 2, ClearRequested = true, Execution = "a1b2c3d4e5f6", MapLength = 7,
            }
            : TaskInstance.Fresh("Extract") with { State = TaskState.Queued, TryNumber = 1 };

        var record = PipelineStore.Serialize(task);

        var expected = task.State.Name() + "|" + System.Text.Json.JsonSerializer.Serialize(new PipelineStore.StoredTask
        {
            Try = task.TryNumber,
            Start = task.Start is { } s ? PipelineStore.Format(s) : null,
            End = task.End is { } e ? PipelineStore.Format(e) : null,
            Server = task.Server,
            Reason = task.Reason,
            Jobs = task.JobIds.IsDefaultOrEmpty ? null : task.JobIds.ToArray(),
            FirstPoke = task.FirstPoke is { } p ? PipelineStore.Format(p) : null,
            FirstTry = task.FirstTry == 1 ? null : task.FirstTry,
            Cleared = task.ClearRequested ? true : null,
            Exec = task.Execution,
            Map = task.MapLength,
        }, new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web));
        Assert.Equal(expected, record);
        // The instants are NodaTime's ISO text, whoever writes them (InstantText's span path here).
        if (full) Assert.Contains($"\"start\":\"{NodaTime.Text.InstantPattern.ExtendedIso.Format(now)}\"", record);
        // A copy: the string itself is found in the records this process wrote (TaskRecordMemo) and not parsed.
        var read = PipelineStore.ParseTask(task.TaskId, new string(record));
        Assert.Equal(task with { JobIds = read.JobIds }, read);
        Assert.Equal(task.JobIds.IsDefault ? [] : task.JobIds.ToArray(), read.JobIds.ToArray());
    }

    /// <summary>A record longer than the buffer a thread keeps (an exception's message as its reason) is written whole, and so is the next one.</summary>
    [Fact]
    public void A_long_record_and_the_one_after_it_read_back_whole()
    {
        var failed = TaskInstance.Fresh("Load") with { State = TaskState.Failed, TryNumber = 1, Reason = "Try 1 failed: " + new string('x', 100_000) + " <end>" };
        var queued = TaskInstance.Fresh("Load") with { State = TaskState.Queued, TryNumber = 2, Reason = "Queued for try 2." };

        Assert.Equal(failed.Reason, PipelineStore.ParseTask("Load", new string(PipelineStore.Serialize(failed))).Reason);
        var next = PipelineStore.Serialize(queued);
        Assert.StartsWith("queued|{\"try\":2,", next, StringComparison.Ordinal);
        Assert.Equal("Queued for try 2.", PipelineStore.ParseTask("Load", new string(next)).Reason);
    }

    /// <summary>
    /// A record as this version writes it is read without the serializer (<see cref="TaskRecordText.TryRead"/>) into the
    /// task the serializer reads from it: a fresh one, a full one with escapes and every optional field, and one whose
    /// reason is longer than the reader's stack buffer.
    /// </summary>
    [Theory]
    [InlineData("fresh")]
    [InlineData("full")]
    [InlineData("long")]
    public void A_record_as_written_is_read_without_the_serializer_into_what_the_serializer_reads(string kind)
    {
        var now = NodaTime.Instant.FromUtc(2026, 12, 3, 21, 30, 15) + NodaTime.Duration.FromTicks(1234567);
        var full = new TaskInstance("Load[3]", TaskState.UpForRetry, 3, now, now + NodaTime.Duration.FromSeconds(2), "server-é:1",
            "Try 2 failed: <IOException> \"a|b\" & 'c'\n\u0001 — retrying.", System.Collections.Immutable.ImmutableArray.Create("41", "97", "120"), now - NodaTime.Duration.FromMinutes(1))
        {
            FirstTry = 2, ClearRequested = true, Execution = "a1b2c3d4e5f6", MapLength = 7,
        };
        var task = kind switch
        {
            "fresh" => TaskInstance.Fresh("Extract") with { State = TaskState.Queued, TryNumber = 1 },
            "full" => full,
            _ => full with { JobIds = System.Collections.Immutable.ImmutableArray.Create("41"), Reason = "Try 2 failed: " + new string('é', 3000) },
        };
        var record = PipelineStore.Serialize(task);
        var json = record.AsSpan(record.IndexOf('|') + 1);

        var read = TaskRecordText.TryRead(task.TaskId, json, task.State);

        Assert.NotNull(read);
        var serializer = PipelineStore.Deserialize(task.TaskId, json, task.State);
        Assert.Equal(serializer with { JobIds = read.JobIds }, read);
        Assert.Equal(serializer.JobIds.ToArray(), read.JobIds.ToArray());
        Assert.Equal(task with { JobIds = read.JobIds }, read);
    }

    /// <summary>
    /// JSON in a shape this version does not write (a name in another case, a number as a string, a field it does not
    /// know, a null job id) is left to the serializer, which reads it as it always did; broken JSON still fails there.
    /// </summary>
    [Theory]
    [InlineData("""{"Try":2,"Reason":"r","jobs":["5"]}""")]
    [InlineData("""{"try":"2","reason":"r","jobs":["5"]}""")]
    [InlineData("""{"try":2,"reason":"r","jobs":["5"],"later":{"a":[1]}}""")]
    [InlineData("""{"try":2,"reason":"r","jobs":["5",null]}""")]
    public void A_record_in_another_shape_is_read_by_the_serializer(string json)
    {
        Assert.Null(TaskRecordText.TryRead("Load", json, TaskState.Failed));

        var task = PipelineStore.ParseTask("Load", "failed|" + json);

        Assert.Equal(TaskState.Failed, task.State);
        Assert.Equal(2, task.TryNumber);
        Assert.Equal("r", task.Reason);
        Assert.Equal("5", task.JobIds[0]);
    }

    /// <summary>JSON this version does not write but reads itself (a repeated field, an escaped name, nulls and an empty list) reads as the serializer reads it.</summary>
    [Theory]
    [InlineData("""{"try":1,"try":2,"reason":"r","jobs":["5"]}""")]
    [InlineData("""{"\u0074ry":2,"reason":"r","jobs":["5"]}""")]
    [InlineData("""{"try":2,"reason":"r","jobs":[],"map":null,"firstTry":null,"cleared":null,"exec":null}""")]
    [InlineData("""{"try":2,"reason":"r","jobs":["5","6","7"],"cleared":false,"map":3,"firstTry":2}""")]
    public void A_record_the_reader_takes_reads_as_the_serializer_reads_it(string json)
    {
        var read = TaskRecordText.TryRead("Load", json, TaskState.Failed);

        Assert.NotNull(read);
        var serializer = PipelineStore.Deserialize("Load", json, TaskState.Failed);
        Assert.Equal(serializer with { JobIds = read.JobIds }, read);
        Assert.Equal(serializer.JobIds.ToArray(), read.JobIds.ToArray());
        Assert.Equal(2, read.TryNumber);
    }

    /// <summary>A string neither can read (a lone surrogate, escaped or not) is left to the serializer, which refuses it.</summary>
    [Fact]
    public void A_record_with_a_lone_surrogate_is_left_to_the_serializer()
    {
        foreach (var json in new[] { "{\"try\":2,\"reason\":\"\\ud800\"}", "{\"try\":2,\"reason\":\"a\ud800b\"}" })
        {
            Assert.Null(TaskRecordText.TryRead("Load", json, TaskState.Failed));
            Assert.ThrowsAny<Exception>(() => PipelineStore.ParseTask("Load", "failed|" + json));
        }
    }

    [Theory]
    [InlineData("""{"try":2""")]
    [InlineData("""{"try":2} {""")]
    [InlineData("""{"try":2,"jobs":["5"}""")]
    public void A_broken_record_still_fails_to_read(string json)
    {
        Assert.Null(TaskRecordText.TryRead("Load", json, TaskState.Failed));
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => PipelineStore.ParseTask("Load", "failed|" + json));
    }

    [Fact]
    public void A_record_written_before_the_state_prefix_is_read_whole_even_when_its_reason_has_a_bar()
    {
        const string Old = """{"state":"failed","try":2,"reason":"Try 2 failed: IOException: columns a|b|c do not match."}""";
        Assert.Equal(TaskState.Failed, PipelineStore.StateOf(Old));
        var task = PipelineStore.ParseTask("Load", Old);
        Assert.Equal(TaskState.Failed, task.State);
        Assert.Equal(2, task.TryNumber);
        Assert.Equal("Try 2 failed: IOException: columns a|b|c do not match.", task.Reason);
    }
}
