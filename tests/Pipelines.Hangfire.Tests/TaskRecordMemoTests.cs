using System.Collections.Immutable;
using global::Hangfire.Storage;
using NodaTime;

namespace Pipelines.Hangfire.Tests;

/// <summary>
/// A record this process wrote and reads back as the same string is the task it was written from, not parsed again
/// (<see cref="TaskRecordMemo"/>); any other string is parsed, and both give the same task.
/// </summary>
public sealed class TaskRecordMemoTests
{
    // As a coordinator on Hangfire.InMemory does (no test here runs one).
    public TaskRecordMemoTests() => TaskRecordMemo.Enable();

    private static readonly Instant Now = Instant.FromUtc(2026, 12, 4, 23, 5, 7) + Duration.FromTicks(1234567) + Duration.FromNanoseconds(89);

    public static TheoryData<string> Kinds => new() { "fresh", "running", "full" };

    private static TaskInstance Task(string kind) => kind switch
    {
        // A default job list: read back as an empty one.
        "fresh" => new TaskInstance("Extract", TaskState.Queued, 1, null, null, null, "Queued.", default, null),
        "running" => TaskInstance.Fresh("Load") with
        {
            State = TaskState.Running, TryNumber = 1, Start = Now, Server = "server-1:4", Reason = "Running try 1 on server-1:4.",
            JobIds = ImmutableArray.Create("17"), Execution = "0a1b2c3d4e5f",
        },
        _ => new TaskInstance("Load[3]", TaskState.UpForRetry, 3, Now, Now + Duration.FromSeconds(2), "server-é:1",
            "Try 2 failed: <IOException> \"a|b\" & 'c'\n\u0001 — retrying.", ImmutableArray.Create("41", "97"), Now - Duration.FromMinutes(1))
        {
            FirstTry = 2, ClearRequested = true, Execution = "a1b2c3d4e5f6", MapLength = 7,
        },
    };

    /// <summary>Every field of two tasks, the job lists by their ids.</summary>
    private static void AssertSame(TaskInstance expected, TaskInstance actual)
    {
        Assert.Equal(expected with { JobIds = actual.JobIds }, actual);
        Assert.Equal(expected.JobIds.IsDefault ? [] : expected.JobIds.ToArray(), actual.JobIds.ToArray());
        Assert.False(actual.JobIds.IsDefault);
    }

    /// <summary>
    /// Writes <paramref name="task"/> and reads its record back as the same string, until the read is the table's: tests
    /// run in parallel, and another test's record may take the slot in between (one in <see cref="TaskRecordMemo.Slots"/>).
    /// </summary>
    private static (string Record, TaskInstance Found) WrittenAndFound(TaskInstance task)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var record = PipelineStore.Serialize(task);
            var found = PipelineStore.ParseTask(task.TaskId, record);
            if (ReferenceEquals(found, TaskRecordMemo.Find(task.TaskId, record))) return (record, found);
        }
        throw new Xunit.Sdk.XunitException($"The record of {task.TaskId} was never read back from the table.");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_record_read_back_as_the_string_written_is_the_task_written_and_reads_as_a_parse_of_its_text(string kind)
    {
        var task = Task(kind);
        var (record, found) = WrittenAndFound(task);

        var parsed = PipelineStore.ParseTask(task.TaskId, new string(record));

        Assert.NotSame(found, parsed);
        AssertSame(task, found);
        // Found or parsed, a record reads the same: every field, the empty job list included.
        AssertSame(parsed, found);
    }

    [Fact]
    public void A_record_read_for_another_task_is_parsed()
    {
        var task = Task("running");
        var (record, found) = WrittenAndFound(task);

        var other = PipelineStore.ParseTask("Report", record);

        Assert.NotSame(found, other);
        Assert.Null(TaskRecordMemo.Find("Report", record));
        AssertSame(task with { TaskId = "Report" }, other);
    }

    /// <summary>A record with a surrogate in its text, or longer than the table keeps, is not kept: it is parsed when read.</summary>
    [Theory]
    [InlineData("surrogate")]
    [InlineData("long")]
    public void A_record_the_table_leaves_out_is_parsed_and_reads_whole(string kind)
    {
        var task = Task("full") with
        {
            Reason = kind == "surrogate" ? "Load 📈 failed." : "Try 2 failed: " + new string('x', TaskRecordMemo.MaxLength),
        };
        var record = PipelineStore.Serialize(task);

        var read = PipelineStore.ParseTask(task.TaskId, record);

        Assert.Null(TaskRecordMemo.Find(task.TaskId, record));
        AssertSame(task, read);
    }

    /// <summary>
    /// What the table is for: Hangfire.InMemory hands back the string it was given, so a record a step or a start wrote
    /// there is the task it was written from when the next one reads it (a storage that copies strings would only be
    /// parsed, as a database's are).
    /// </summary>
    [Fact]
    public void In_memory_a_record_read_from_the_storage_is_the_string_written_to_it()
    {
        var storage = new global::Hangfire.InMemory.InMemoryStorage();
        var task = Task("running");
        const string key = "pipelines:run:test:memo:tasks";
        var record = PipelineStore.Serialize(task);
        using (var connection = storage.GetConnection())
        using (var transaction = connection.CreateWriteTransaction())
        {
            transaction.SetRangeInHash(key, new[] { new KeyValuePair<string, string>(task.TaskId, record) });
            transaction.Commit();
        }

        using var reading = (JobStorageConnection)storage.GetConnection();

        Assert.Same(record, reading.GetValueFromHash(key, task.TaskId));
        Assert.Same(record, reading.GetAllEntriesFromHash(key)![task.TaskId]);
        AssertSame(task, PipelineStore.ParseTask(task.TaskId, reading.GetValueFromHash(key, task.TaskId)!));
    }
}
